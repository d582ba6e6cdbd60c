// SPDX-License-Identifier: Apache-2.0
// Renderer entry: picks the transport (the preload's bridge in Electron, HTTP in a browser)
// and mounts the app. Nothing else in the renderer knows which one it got.
import '@patternfly/react-core/dist/styles/base.css';
import '@patternfly/react-styles/css/components/Table/table.css';
import '@xterm/xterm/css/xterm.css';
import './app.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { ContractClient } from './client/client';
import { HttpTransport } from './client/http-transport';
import { IpcTransport } from './client/ipc-transport';

const transport = window.aio
  ? new IpcTransport(window.aio)
  : new HttpTransport('', window.sessionStorage);
const client = new ContractClient(transport);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
