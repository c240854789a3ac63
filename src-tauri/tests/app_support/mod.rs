//! Shared by the integration tests that drive `Studio`: a clipboard that
//! behaves like the system one but can be read back by the test.

use std::sync::{Arc, Mutex};
use studio_keys::storage::clipboard::ClipboardBackend;
use studio_keys::Result;

/// The clipboard as another program would see it.
#[derive(Clone, Default)]
pub struct Board(pub Arc<Mutex<Option<String>>>);

impl ClipboardBackend for Board {
    fn set_secret_text(&mut self, text: &str) -> Result<()> {
        *self.0.lock().unwrap() = Some(text.into());
        Ok(())
    }
    fn set_text(&mut self, text: &str) -> Result<()> {
        self.set_secret_text(text)
    }
    fn get_text(&mut self) -> Option<String> {
        self.0.lock().unwrap().clone()
    }
    fn clear(&mut self) -> Result<()> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}
