//! The proxy's public API, from the browser.

use gloo_net::http::{Request, Response};
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

#[derive(Debug, Clone)]
pub struct Api {
    base: String,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_string(),
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
        self.get(&format!("/stores/{store}/tables/{table}")).await
    }

    pub async fn table_orders(&self, store: &str, table: &str) -> Result<TableOrders, ApiFailure> {
        self.get(&format!("/stores/{store}/tables/{table}/orders"))
            .await
    }

    pub async fn call_staff(
        &self,
        store: &str,
        table: &str,
        call: &StaffCallRequest,
    ) -> Result<OrderReceipt, ApiFailure> {
        let url = self.url(&format!("/stores/{store}/tables/{table}/staff-calls"));
        let request = Request::post(&url)
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
        let request = Request::post(&self.url(&format!("/stores/{store}/tables/{table}/orders")))
            .json(order)
            .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
        Self::read(request.send().await).await
    }
}
