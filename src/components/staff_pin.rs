use crate::language::*;
use crate::ordering::Ordering;
use leptos::prelude::*;
use order_core::flow::Event;

/// Cash on a tablet: staff confirm with their PIN. The server checks it; the page keeps
/// it only long enough to send.
#[component]
pub fn StaffPin(wrong_pin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let ordering = expect_context::<Ordering>();
    let pin = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = pin.get_untracked();
        if !value.is_empty() {
            pin.set(String::new());
            ordering.dispatch(Event::StaffConfirmed { pin: value });
        }
    };
    view! {
        <form class="to-pin" on:submit=submit>
            <p>{t!(i18n, status_staff_confirm)}</p>
            {wrong_pin
                .then(|| {
                    view! {
                        <p class="to-reason" role="alert">
                            {t!(i18n, status_wrong_pin)}
                        </p>
                    }
                })}
            <label class="to-field">
                <span>{t!(i18n, staff_pin)}</span>
                <input
                    class="to-input"
                    type="password"
                    inputmode="numeric"
                    autocomplete="off"
                    maxlength="12"
                    prop:value=move || pin.get()
                    on:input=move |ev| pin.set(event_target_value(&ev))
                />
            </label>
            <div class="to-actions">
                <button type="submit" class="to-button to-primary">
                    {t!(i18n, confirm)}
                </button>
                // Cash is not taken yet: the guest may still walk away.
                <super::status_panel::CancelButton paid=false />
            </div>
        </form>
    }
}
