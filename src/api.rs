//! The proxy's public API, from the browser.

use gloo_net::http::{Request, RequestBuilder, Response};
use order_core::{
    ApiError, ClientConfig, ErrorBody, Menu, OrderReceipt, OrderRequest, StaffCallRequest, Table,
    TableOrders,
};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// No answer: offline, or the connection broke. What was sent may have arrived.
    Network(String),
    /// The proxy answered with one of the documented errors.
    Refused { status: u16, error: ErrorBody },
    /// An answer that is not what the API promises.
    Unexpected(String),
}

/// What proves the caller may act at its table: the printed link's token (a guest), or a
/// device credential (one of the store's enrolled tablets).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub table_token: Option<String>,
    pub device: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    access: Access,
}

impl Api {
    pub fn new(base: &str, access: Access) -> Api {
        Api {
            base: base.to_string(),
            access,
        }
    }

    /// A request about the table, with what proves the caller is at it.
    fn at_table(&self, request: RequestBuilder) -> RequestBuilder {
        let request = match &self.access.table_token {
            Some(token) => request.header("X-Table-Token", token),
            None => request,
        };
        match &self.access.device {
            Some(credential) => request.header("Authorization", &format!("Device {credential}")),
            None => request,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    async fn read<T: DeserializeOwned>(
        response: Result<Response, gloo_net::Error>,
    ) -> Result<T, ApiFailure> {
        let response = response.map_err(|e| ApiFailure::Network(e.to_string()))?;
        let status = response.status();
        if (200..300).contains(&status) {
            return response
                .json::<T>()
                .await
                .map_err(|e| ApiFailure::Unexpected(e.to_string()));
        }
        match response.json::<ApiError>().await {
            Ok(e) => Err(ApiFailure::Refused {
                status,
                error: e.error,
            }),
            Err(_) => Err(ApiFailure::Unexpected(format!("HTTP {status}"))),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiFailure> {
        Self::read(Request::get(&self.url(path)).send().await).await
    }

    pub async fn config(&self) -> Result<ClientConfig, ApiFailure> {
        self.get("/config").await
    }

    pub async fn menu(&self, store: &str) -> Result<Menu, ApiFailure> {
        self.get(&format!("/stores/{store}/menu")).await
    }

    pub async fn table(&self, store: &str, table: &str) -> Result<Table, ApiFailure> {
        let url = self.url(&format!("/stores/{store}/tables/{table}"));
        Self::read(self.at_table(Request::get(&url)).send().await).await
    }

    /// The party's orders at the table; `mine` names this phone's own orders, which are
    /// listed even after their bill is paid.
    pub async fn table_orders(
        &self,
        store: &str,
        table: &str,
        mine: Option<&str>,
    ) -> Result<TableOrders, ApiFailure> {
        let mut url = self.url(&format!("/stores/{store}/tables/{table}/orders"));
        if let Some(id) = mine {
            url = format!("{url}?mine={id}");
        }
        Self::read(self.at_table(Request::get(&url)).send().await).await
    }

    pub async fn call_staff(
        &self,
        store: &str,
        table: &str,
        call: &StaffCallRequest,
    ) -> Result<OrderReceipt, ApiFailure> {
        let url = self.url(&format!("/stores/{store}/tables/{table}/staff-calls"));
        crate::storage::note_mine(store, table, &call.client_call_id);
        let request = self
            .at_table(Request::post(&url))
            .json(call)
            .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
        Self::read(request.send().await).await
    }

    pub async fn place(
        &self,
        store: &str,
        table: &str,
        order: &OrderRequest,
    ) -> Result<OrderReceipt, ApiFailure> {
        let url = self.url(&format!("/stores/{store}/tables/{table}/orders"));
        crate::storage::note_mine(store, table, &order.client_order_id);
        let request = self
            .at_table(Request::post(&url))
            .json(order)
            .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
        Self::read(request.send().await).await
    }
}
