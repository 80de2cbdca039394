//! "Remember my last project": the one thing Segscope ever keeps in the browser, and only after
//! the user ticks it (issue #17). The project file is kept in this browser's IndexedDB (database
//! `segscope`, on this computer only); unticking deletes the database. Reading never creates it:
//! opening a database that does not exist is aborted before it is made.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, IdbDatabase, IdbFactory, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

/// The database's name (what the Privacy panel names).
pub const DATABASE: &str = "segscope";
const STORE: &str = "projects";
const KEY: &str = "last";

/// A remembered project: its file name and contents.
#[derive(Clone)]
pub struct Remembered {
    /// The project file's name.
    pub name: String,
    /// Its contents.
    pub file: Blob,
}

fn factory() -> Result<IdbFactory, String> {
    web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| "this browser keeps no IndexedDB for this page (a private window?)".to_string())
}

fn words(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the browser refused".into())
}

/// Waits for `request` to succeed: its result.
async fn finished(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await.map_err(|_| {
        request.error().ok().flatten().map_or_else(|| "the browser refused".to_string(), |e| e.message())
    })?;
    request.result().map_err(words)
}

/// Opens the database; `create` makes it when it does not exist (else that open is aborted and
/// `None` is the answer).
async fn open(create: bool) -> Result<Option<IdbDatabase>, String> {
    let request: IdbOpenDbRequest = factory()?.open_with_u32(DATABASE, 1).map_err(words)?;
    let upgrade = Closure::once_into_js(move |event: web_sys::Event| {
        let Some(request) = event.target().and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok()) else { return };
        if create {
            if let Ok(db) = request.result() {
                let _ = db.unchecked_into::<IdbDatabase>().create_object_store(STORE);
            }
        } else if let Some(transaction) = request.transaction() {
            // Not there: nothing to read, and nothing is made.
            let _ = transaction.abort();
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    match finished(&request).await {
        Ok(db) => Ok(Some(db.unchecked_into())),
        Err(_) if !create => Ok(None),
        Err(e) => Err(e),
    }
}

/// Keeps `file` (a project file called `name`) as the last project.
///
/// # Errors
/// The browser refused (private window, storage full), in words.
pub async fn remember(name: &str, file: &Blob) -> Result<(), String> {
    let db = open(true).await?.ok_or("the browser did not make the database")?;
    let result = async {
        let transaction = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(words)?;
        let store = transaction.object_store(STORE).map_err(words)?;
        let record = Object::new();
        Reflect::set(&record, &"name".into(), &name.into()).map_err(words)?;
        Reflect::set(&record, &"file".into(), file).map_err(words)?;
        finished(&store.put_with_key(&record, &KEY.into()).map_err(words)?).await.map(|_| ())
    }
    .await;
    db.close();
    result
}

/// The last project kept, if the user asked to remember one.
pub async fn last() -> Option<Remembered> {
    let db = open(false).await.ok().flatten()?;
    let found = async {
        let transaction = db.transaction_with_str(STORE).ok()?;
        let store = transaction.object_store(STORE).ok()?;
        let record = finished(&store.get(&KEY.into()).ok()?).await.ok()?;
        let name = Reflect::get(&record, &"name".into()).ok()?.as_string()?;
        let file = Reflect::get(&record, &"file".into()).ok()?.dyn_into::<Blob>().ok()?;
        Some(Remembered { name, file })
    }
    .await;
    db.close();
    found
}

/// Forgets the last project: the database is deleted.
///
/// # Errors
/// The browser refused, in words.
pub async fn forget() -> Result<(), String> {
    let request = factory()?.delete_database(DATABASE).map_err(words)?;
    finished(&request).await.map(|_| ())
}
