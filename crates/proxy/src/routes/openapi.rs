//! The public API described as OpenAPI, generated from the handlers and types themselves.

use super::{admin, admin_trust, api};
use crate::app::AppState;
use axum::routing::get;
use axum::{Json, Router};
use order_core::*;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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
        StaffCallRequest, DeviceEnrolment, EnrolledDevice, TabletInfo, ItemText, admin_trust::TableLinkOut, admin_trust::DeviceOut,
        admin_trust::RenewedLink, admin_trust::TabletBinding,
        admin::SignIn, order_core::owner::StoreItem, order_core::owner::ItemEdit, admin::PinChange
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
