//! The county console's way into the core: `fengqiao-web`'s [`Gate`] over HQ's api, whose
//! per-call gate holds many county sessions at once (`Api::login`, `Api::call_as`,
//! `Api::logout`). Translation only: every role check, scope and audit entry is the core's.

use std::sync::Arc;

use fengqiao::Error;
use fengqiao::api::county::CountyLogin;
use fengqiao_web::{Gate, Login, Refused};
use serde_json::Value;

use crate::{Shared, lock};

/// HQ's api as a [`Gate`].
pub(crate) struct HqGate(pub Shared);

/// The core's error as the page receives it.
fn refused(e: Error) -> Refused {
    Refused { code: e.code().into(), reply: serde_json::to_value(e.to_reply()).unwrap_or(Value::Null) }
}

impl Gate for HqGate {
    fn login(&self, params: Value) -> Result<Login, Refused> {
        let req: CountyLogin = serde_json::from_value(params)
            .map_err(|e| refused(Error::validation("login", format!("登录请求格式不对：{e}"))))?;
        let reply = lock(&self.0).login(req).map_err(refused)?;
        let mut reply = serde_json::to_value(&reply).map_err(|e| refused(Error::BadRequest(e.to_string())))?;
        // The token is the session: it goes into the HttpOnly cookie, never to the page.
        let token = reply.as_object_mut().and_then(|o| o.remove("token")).and_then(|t| t.as_str().map(str::to_owned));
        Ok(Login { token, reply })
    }

    fn call(&self, token: &str, method: &str, params: Value) -> Result<Value, Refused> {
        lock(&self.0).call_as(token, method, params).map_err(refused)
    }

    fn logout(&self, token: &str) {
        if let Err(e) = lock(&self.0).logout(token) {
            eprintln!("退出登录时记录审计日志失败：{e}");
        }
    }
}

/// The gate over `api`, shared with the sync routes.
pub(crate) fn over(api: &Shared) -> Arc<dyn Gate> {
    Arc::new(HqGate(api.clone()))
}
