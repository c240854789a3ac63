// Imported first by main.ts: the platform's class on <html> before anything
// renders, so that app.css can give each platform its own font faces.

export type Platform = "linux" | "macos" | "windows" | "other";

/** The platform a webview's user agent names (WebKitGTK, WKWebView, WebView2). */
export function platformOf(userAgent: string): Platform {
  if (/Windows NT/.test(userAgent)) return "windows";
  if (/Macintosh|Mac OS X/.test(userAgent)) return "macos";
  if (/Linux|X11/.test(userAgent)) return "linux";
  return "other";
}

document.documentElement.classList.add(platformOf(navigator.userAgent));
