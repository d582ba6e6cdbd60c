// SPDX-License-Identifier: Apache-2.0
import { createContext, useContext } from 'react';

import type { ContractClient } from './client/client';

export const ClientContext = createContext<ContractClient | null>(null);

/** The contract client of this window (IPC in Electron, HTTP in a browser). */
export function useClient(): ContractClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}
