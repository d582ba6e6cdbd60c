// SPDX-License-Identifier: Apache-2.0
import type { Part } from './types';
export const runConcurrency: Part = () =>
  Promise.resolve({ name: 'concurrency', figures: {}, failures: ['not written yet'] });
