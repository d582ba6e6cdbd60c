// SPDX-License-Identifier: Apache-2.0
// The part of noVNC's RFB class the Screen tab uses (the package ships no types).
declare module '@novnc/novnc' {
  export interface RfbOptions {
    readonly credentials?: { password?: string; username?: string; target?: string };
    readonly wsProtocols?: readonly string[];
    readonly shared?: boolean;
  }
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, url: string, options?: RfbOptions);
    scaleViewport: boolean;
    resizeSession: boolean;
    viewOnly: boolean;
    focusOnClick: boolean;
    background: string;
    disconnect(): void;
    sendCtrlAltDel(): void;
    clipboardPasteFrom(text: string): void;
    focus(): void;
  }
}
