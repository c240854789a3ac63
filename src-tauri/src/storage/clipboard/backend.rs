//! The system clipboard through arboard, with each platform's
//! history-exclusion hint for secrets.

use super::ClipboardBackend;
use crate::domain::error::{Error, ErrorCode, Result};

/// The system clipboard through arboard, opened lazily.
#[derive(Default)]
pub struct ArboardBackend {
    cb: Option<arboard::Clipboard>,
}

impl ArboardBackend {
    fn open(&mut self) -> Result<&mut arboard::Clipboard> {
        if self.cb.is_none() {
            self.cb = Some(arboard::Clipboard::new().map_err(unavailable)?);
        }
        // Just set above when missing.
        self.cb.as_mut().ok_or_else(|| Error::internal("clipboard"))
    }
}

fn unavailable(e: arboard::Error) -> Error {
    Error::new(ErrorCode::Unsupported)
        .with_reason("clipboard_unavailable")
        .with_technical(e.to_string())
}

impl ClipboardBackend for ArboardBackend {
    fn set_secret_text(&mut self, text: &str) -> Result<()> {
        let cb = self.open()?;
        #[allow(unused_mut)]
        let mut set = cb.set();
        #[cfg(target_os = "linux")]
        {
            use arboard::SetExtLinux;
            set = set.exclude_from_history();
        }
        #[cfg(target_os = "windows")]
        {
            use arboard::SetExtWindows;
            set = set
                .exclude_from_history()
                .exclude_from_cloud()
                .exclude_from_monitoring();
        }
        #[cfg(target_os = "macos")]
        {
            use arboard::SetExtApple;
            set = set.exclude_from_history();
        }
        set.text(text).map_err(unavailable)
    }

    fn set_text(&mut self, text: &str) -> Result<()> {
        self.open()?.set_text(text).map_err(unavailable)
    }

    fn get_text(&mut self) -> Result<Option<String>> {
        match self.open()?.get_text() {
            Ok(text) => Ok(Some(text)),
            Err(arboard::Error::ContentNotAvailable) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn clear(&mut self) -> Result<()> {
        self.open()?.clear().map_err(unavailable)
    }
}
