//! The public API described as OpenAPI, generated from the handlers and types themselves.

use super::{admin, admin_trust, api};
use crate::app::AppState;
use axum::routing::get;
use axum::{Json, Router};
use order_core::*;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::Ref;
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers every operation of a kind can give, whatever its handler: the limits, the
/// checks of the store in the path, of a JSON body, and of an owner's call made from a page.
/// Listed here once rather than on each handler, so that none is forgotten.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let owners = path.starts_with("/api/v1/admin/");
            let store = path.contains("{store}");
            let reading = [("get", &mut item.get)];
            let changing = [
                ("post", &mut item.post),
                ("put", &mut item.put),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (_, operation) in reading.into_iter().chain(changing) {
                let Some(op) = operation.as_mut() else {
                    continue;
                };
                add(op, 429, "too many requests: wait `retryAfterMs`");
                if store {
                    add(op, 404, "no such store (or table, device, item)");
                }
                if op.request_body.is_some() {
                    add(op, 415, "the body is not sent as application/json");
                    add(op, 422, "the body is not the JSON this operation reads");
                    add(op, 413, "the body is too large");
                }
            }
            // An owner's change from a browser must prove it is not a cross-site form.
            if owners {
                for op in [
                    &mut item.post,
                    &mut item.put,
                    &mut item.delete,
                    &mut item.patch,
                ]
                .into_iter()
                .flatten()
                {
                    add(
                        op,
                        403,
                        "not an owner's call: send it as application/json or with X-Requested-With",
                    );
                }
            }
        }
    }
}

/// Lists `status` with the error body, unless the handler already says more of it.
fn add(op: &mut Operation, status: u16, description: &str) {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ApiError")))
        .build();
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content("application/json", body)
                .build()
                .into()
        });
}

#[derive(OpenApi)]
#[openapi(
    info(title = "tableorder", description = "QR table ordering for Smartro Smile POS: the browser ↔ proxy API. JSON, camelCase, money as integer won."),
    paths(api::config, api::menu, api::table, api::table_orders, api::place_order, api::call_staff,
        api::enrol_tablet, api::this_tablet, admin::refresh, admin_trust::qr_sheet, admin_trust::table_links,
        admin_trust::rotate_link_key, admin_trust::renew_table_link, admin_trust::enrolment_code,
        admin_trust::devices, admin_trust::bind_device, admin_trust::revoke_device,
        admin::session, admin::sign_in, admin::sign_out, admin::status, admin::items, admin::save_item,
        admin::remove_item, admin::upload_photo, admin::remove_photo, admin::todays_orders, admin::change_pin),
    components(schemas(
        ClientConfig, Menu, StoreInfo, Category, Item, OptionGroup, OptionChoice, Table, TableOrders, PlacedOrder,
        PlacedLine, PlacedOption, OrderStatus, OrderKind, OrderRequest, OrderLine, ChosenOption, Payment,
        PaymentMethod, Approval, OrderReceipt, ApiError, ErrorBody, ErrorCode, StaffCallReason,
        StaffCallRequest, DeviceEnrolment, EnrolledDevice, TabletInfo, ItemText, order_core::owner::TableLink, order_core::owner::Tablet,
        order_core::owner::EnrolmentCode,
        order_core::owner::RenewedLink, order_core::owner::TabletBinding, order_core::owner::LinkKey, order_core::owner::StoredPhoto,
        order_core::owner::SignIn, order_core::owner::StoreItem, order_core::owner::ItemEdit, order_core::owner::PinChange,
        order_core::owner::StoreStatus, order_core::owner::Trouble, order_core::owner::HostCode,
        order_core::owner::UnconfirmedOrder, order_core::owner::UnconfirmedLine, order_core::owner::Refreshed,
        order_core::owner::OwnerSession, order_core::owner::StoreRef
    )),
    modifiers(&BearerAuth, &CommonErrors)
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
