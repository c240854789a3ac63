//! Review dates: the keys a person asked to look at again, and the reminders
//! the app gives when the day comes. From this computer's records alone (no
//! network), so a reminder works offline and never delays the list.

use super::views::ReviewDue;
use super::Studio;
use crate::domain::error::Result;
use crate::domain::i18n;
use crate::storage::vault::KeyRef;

/// How many keys a reminder names before it says "and N more".
const NAMED_IN_REMINDER: usize = 3;

impl Studio {
    /// The active account's keys whose review date has come, in any region:
    /// the reminder the app shows at launch. Dates kept before entries named
    /// their account show for every account of the same kind.
    pub async fn reviews_due(&self) -> Result<Vec<ReviewDue>> {
        let profile = self.acting_profile().await?;
        let scope = Studio::scope_of(&profile);
        let today = chrono::Local::now().date_naive();
        let due = self
            .blocking(move |s| Ok(s.review_dates().due(today)))
            .await?;
        Ok(due
            .into_iter()
            .filter(|(k, e)| k.scope == scope && (e.profile.is_empty() || e.profile == profile.id))
            .map(|(k, e)| ReviewDue::new(k, e))
            .collect())
    }

    /// The due keys (of every account) no OS notification has named today,
    /// as the notification's title and body in the person's language, and
    /// the keys it names. `None` when there is nothing new to say. Call
    /// `review_reminded` once the notification is shown.
    pub async fn review_reminder(&self) -> Result<Option<Reminder>> {
        let today = chrono::Local::now().date_naive();
        let fresh = self
            .blocking(move |s| Ok(s.review_dates().unreminded(today)))
            .await?;
        let keys: Vec<KeyRef> = fresh.iter().map(|(k, _)| k.clone()).collect();
        let due: Vec<ReviewDue> = fresh
            .into_iter()
            .map(|(k, e)| ReviewDue::new(k, e))
            .collect();
        Ok(
            reminder_text(&due, i18n::current()).map(|(title, body)| Reminder {
                title,
                body,
                keys,
            }),
        )
    }

    /// The reminder naming `keys` was shown: not again today.
    pub async fn review_reminded(&self, keys: Vec<KeyRef>) -> Result<()> {
        let today = chrono::Local::now().date_naive();
        self.blocking(move |s| s.review_dates().reminded(&keys, today))
            .await
    }
}

/// An OS notification about keys whose review date has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub title: String,
    pub body: String,
    pub keys: Vec<KeyRef>,
}

fn reminder_text(due: &[ReviewDue], lang: i18n::Lang) -> Option<(String, String)> {
    let named = |d: &ReviewDue| {
        let region = d.region.info().name_in(lang);
        let label = if d.label.is_empty() {
            i18n::tr(lang, "reviews.unnamed", &[("apiKeyId", &d.api_key_id)])
        } else {
            d.label.clone()
        };
        i18n::tr(
            lang,
            "reviews.named",
            &[("label", &label), ("region", region)],
        )
    };
    let title = i18n::tr(lang, "reviews.notify_title", &[]);
    let body = match due {
        [] => return None,
        [one] => i18n::tr(
            lang,
            "reviews.notify_one",
            &[("key", &named(one)), ("date", &one.review_by)],
        ),
        many => {
            let mut names: Vec<String> = many.iter().take(NAMED_IN_REMINDER).map(named).collect();
            if many.len() > NAMED_IN_REMINDER {
                let more = (many.len() - NAMED_IN_REMINDER).to_string();
                names.push(i18n::tr(lang, "reviews.and_more", &[("count", &more)]));
            }
            let sep = i18n::tr(lang, "reviews.separator", &[]);
            i18n::tr(
                lang,
                "reviews.notify_many",
                &[
                    ("count", &many.len().to_string()),
                    ("keys", &names.join(&sep)),
                ],
            )
        }
    };
    Some((title, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::regions::RegionId;

    fn due(label: &str, region: RegionId) -> ReviewDue {
        ReviewDue {
            region,
            api_key_id: "42".into(),
            label: label.into(),
            review_by: "2026-11-01".into(),
        }
    }

    #[test]
    fn a_reminder_names_the_keys_in_the_persons_language() {
        assert_eq!(reminder_text(&[], i18n::Lang::En), None);
        let (_, one) =
            reminder_text(&[due("CI bot", RegionId::ApSoutheast1)], i18n::Lang::En).unwrap();
        assert!(
            one.contains("“CI bot” (Singapore)") && one.contains("2026-11-01"),
            "{one}"
        );
        let (_, unnamed) =
            reminder_text(&[due("", RegionId::CnBeijing)], i18n::Lang::ZhCn).unwrap();
        assert!(
            unnamed.contains("42") && unnamed.contains("华北2（北京）"),
            "{unnamed}"
        );
        let five: Vec<_> = (0..5)
            .map(|i| due(&format!("k{i}"), RegionId::UsEast1))
            .collect();
        let (_, many) = reminder_text(&five, i18n::Lang::En).unwrap();
        assert!(
            many.starts_with("5 keys") && many.contains("k2") && !many.contains("k3"),
            "{many}"
        );
        assert!(many.contains("2 more"), "{many}");
    }
}
