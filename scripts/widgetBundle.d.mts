// Types for scripts/widgetBundle.mjs, which vitest.config.ts imports.
export declare const widgetBuildOptions: Record<string, unknown>;
export declare function bundleWidget(): Promise<string>;
export declare function bundleWidgetSync(): string;
export declare function widgetDefine(text: string): { __SWITCHBOARD_WIDGET__: string };
