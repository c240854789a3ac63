//! Review dates: the keys a person asked to look at again, and the reminders
//! the app gives when the day comes. From this computer's records alone (no
//! network), so a reminder works offline and never delays the list.

use super::views::ReviewDue;
use super::{parse_api_key_id, Studio};
use crate::domain::error::Result;
use crate::domain::i18n;
use crate::domain::regions::RegionId;
use crate::protocol::wire::ApiKey;
use crate::storage::profiles::Profile;
use crate::storage::review_dates::{ReviewDates, ReviewEntry};
use crate::storage::vault::KeyRef;

/// How many keys a reminder names before it says "and N more".
const NAMED_IN_REMINDER: usize = 3;

impl Studio {
    /// Every review date kept here (a read failure shows no dates, never an error).
    pub(crate) async fn review_dates_all(&self) -> std::collections::BTreeMap<String, ReviewEntry> {
        self.blocking(|s| Ok(s.review_dates().all()))
            .await
            .unwrap_or_default()
    }

    pub(crate) fn review_dates(&self) -> ReviewDates {
        ReviewDates::new(crate::storage::paths::review_dates_file(
            &self.inner.dirs.config,
        ))
    }

    /// Set (`YYYY-MM-DD`) or clear (`None`) the date by which the person
    /// wants to look at a key again. Kept on this computer only.
    pub async fn key_set_review_date(
        &self,
        region: RegionId,
        api_key_id: String,
        date: Option<String>,
        label: String,
    ) -> Result<()> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.acting_profile().await?;
        let key = Studio::key_ref(&profile, region, id);
        self.blocking(move |s| {
            s.review_dates()
                .set(&key, date.as_deref(), &label, &profile.id)
        })
        .await
    }

    /// After a full listing of a region: reminders name keys by their
    /// description as last listed, and a key deleted elsewhere takes its
    /// review date with it. Only when some date is kept (no write otherwise).
    pub(crate) async fn sync_reviews(
        &self,
        profile: &Profile,
        region: RegionId,
        listed: &[ApiKey],
        reviews: &std::collections::BTreeMap<String, ReviewEntry>,
    ) {
        if reviews.is_empty() {
            return;
        }
        let labels: Vec<(KeyRef, String)> = listed
            .iter()
            .map(|k| {
                let r = Studio::key_ref(profile, region, k.api_key_id.unwrap_or_default());
                (r, k.description.clone().unwrap_or_default())
            })
            .collect();
        let scope = Studio::scope_of(profile);
        let profile_id = profile.id.clone();
        let _ = self
            .blocking(move |s| {
                s.review_dates()
                    .sync_listed(&profile_id, scope, region, &labels)
            })
            .await;
    }

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

/// The longest label a notification shows, in characters.
const NOTIFICATION_LABEL_MAX: usize = 60;

/// A key's description as an OS notification shows it: some notification
/// servers render markup, so `<`, `>`, `&` and quotes are escaped; control
/// characters are dropped; long text is cut with an ellipsis.
pub(crate) fn notification_label(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    let mut cut: String = clean.chars().take(NOTIFICATION_LABEL_MAX).collect();
    if clean.chars().count() > NOTIFICATION_LABEL_MAX {
        cut.push('…');
    }
    cut.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn reminder_text(due: &[ReviewDue], lang: i18n::Lang) -> Option<(String, String)> {
    let named = |d: &ReviewDue| {
        let region = d.region.info().name_in(lang);
        let label = if d.label.is_empty() {
            i18n::tr(lang, "reviews.unnamed", &[("apiKeyId", &d.api_key_id)])
        } else {
            notification_label(&d.label)
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

    #[test]
    fn a_notification_shows_a_label_escaped_cut_and_without_control_characters() {
        assert_eq!(
            notification_label("<b>prod</b> & \"ci\""),
            "&lt;b&gt;prod&lt;/b&gt; &amp; &quot;ci&quot;"
        );
        assert_eq!(notification_label("a\u{7}b\nc"), "abc");
        let long = "x".repeat(100);
        let shown = notification_label(&long);
        assert_eq!(shown.chars().count(), NOTIFICATION_LABEL_MAX + 1);
        assert!(shown.ends_with('…'));
    }
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
