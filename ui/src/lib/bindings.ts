export const commands: any = {}; export type AppInfo = any;
