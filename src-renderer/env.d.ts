import type { SaddleApi } from '../src-main/contract/api';

declare global {
  interface Window {
    /** The Electron preload bridge; absent in a browser talking to the serve host. */
    saddle?: SaddleApi;
  }
}
