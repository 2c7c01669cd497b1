use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// What is never in the server's drawing (the cart once something is in it, the sheets, the
/// order's status): an empty element there, filled by the browser once the page is its own.
/// The takeover then carries no code for these parts, only the code that draws them.
#[component]
pub fn BrowserOnly<V: IntoView + 'static>(children: TypedChildrenFn<V>) -> impl IntoView {
    let children = children.into_inner();
    let host = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let Some(host) = host.get() else { return };
        let children = children.clone();
        // Under this component's owner: the page's contexts reach what is drawn, and it goes
        // when the page does.
        let drawn = SendWrapper::new(leptos::mount::mount_to(host.into(), move || {
            untrack(|| children())
        }));
        Owner::on_cleanup(move || drop(drawn.take()));
    });
    view! { <div class="to-layer" node_ref=host></div> }
}
