//! Channel accounts v4 (SPEC §4.11, seed 003) over real HTTP: bare JSON, 201/204,
//! `:enableBot`/`:disableBot`, `include=chatbot`, validation naming the field, one record
//! shared with the email accounts, the integration accounts list, and tenancy.

mod common;
use common::Server;
use serde_json::{json, Value};

const V4: &str = "/api/v4/ticketing/channelAccounts";
const EMAIL_ACCOUNTS: &str = "/api/v3/anytime/emailAccounts";
const BOT: &str = "980cce41-58ae-43b2-8de8-37eea94da4a4";

fn wechat() -> Value {
    json!({"appId": "WeChat", "originalAccountId": "gh_be13d263test", "name": "Comm100",
           "isEnabled": true, "avatarUrl": "http://example.com/a.png", "screenName": "Comm100",
           "isBotEnabled": false, "chatbotId": BOT, "percentageToBotWhenOnline": 20,
           "percentageToBotWhenOffline": 100, "isDefault": false,
           "channelIdentity": "{\"AccessToken\":\"secret token\"}", "accountExtInfo": "",
           "filter": "[]", "createdTime": "2021-01-27T03:13:04.866Z",
           "emailAccountInfo": "{\"Type\":0}"})
}

#[test]
fn channel_accounts_crud_bots_includes_and_validation() {
    let s = Server::start();
    // seed 003's own path spelling, bare JSON, 201
    let r = s.post("/v4/ticketing/channelAccounts", &s.admin, wechat());
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["appId"], "WeChat");
    assert_eq!(created["percentageToBotWhenOnline"], 20);
    assert_eq!(created["chatbotId"], BOT);
    assert!(created.get("channelIdentity").is_none(), "{created}");
    assert!(!r.body.contains("secret token"));
    assert_ne!(created["createdTime"], "2021-01-27T03:13:04.866Z");

    // validation names the field
    for (key, value, field) in [
        (
            "percentageToBotWhenOnline",
            json!(101),
            "percentageToBotWhenOnline",
        ),
        (
            "percentageToBotWhenOffline",
            json!(-5),
            "percentageToBotWhenOffline",
        ),
        ("appId", json!("Pager"), "appId"),
        ("chatbotId", json!("nope"), "chatbotId"),
        ("name", json!(""), "name"),
        ("surprise", json!(1), "surprise"),
    ] {
        let mut body = wechat();
        body[key] = value;
        let r = s.post(V4, &s.admin, body);
        assert_eq!(
            (r.status, r.error_fields()),
            (400, vec![field.to_string()]),
            "{}",
            r.body
        );
    }
    let mut body = wechat();
    body.as_object_mut().unwrap().remove("isBotEnabled");
    let r = s.post(V4, &s.admin, body);
    assert_eq!(r.error_fields(), vec!["isBotEnabled"], "{}", r.body);

    // :enableBot / :disableBot (the colon spelling and the path one)
    let r = s.post(&format!("{V4}/{id}:enableBot"), &s.admin, json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["isBotEnabled"], true);
    let r = s.post(&format!("{V4}/{id}:disableBot"), &s.admin, json!({}));
    assert_eq!(r.json()["isBotEnabled"], false);
    let r = s.post(&format!("{V4}/{id}:fly"), &s.admin, json!({}));
    assert_eq!(r.status, 404, "{}", r.body);

    // include=chatbot
    let r = s.get(&format!("{V4}?include=chatbot"), &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()[0]["chatbot"],
        json!({"id": BOT, "isBotEnabled": false, "percentageToBotWhenOnline": 20,
               "percentageToBotWhenOffline": 100})
    );
    assert!(s.get(V4, &s.admin).json()[0].get("chatbot").is_none());
    let r = s.get(&format!("{V4}/{id}?include=chatbot"), &s.admin);
    assert_eq!(
        r.json()["chatbot"]["percentageToBotWhenOffline"],
        100,
        "{}",
        r.body
    );
    // an account without a bot shows chatbot null
    let mut body = wechat();
    body["chatbotId"] = Value::Null;
    body["originalAccountId"] = json!("gh_other");
    let r = s.post(V4, &s.admin, body);
    assert_eq!(r.status, 201, "{}", r.body);
    let botless = r.json()["id"].as_str().unwrap().to_string();
    let r = s.get(&format!("{V4}/{botless}?include=chatbot"), &s.admin);
    assert_eq!(r.json()["chatbot"], Value::Null, "{}", r.body);
    assert_eq!(s.delete(&format!("{V4}/{botless}"), &s.admin).status, 204);
    let r = s.get(&format!("{V4}/{id}?include=agents"), &s.admin);
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["include".to_string()])
    );

    // update replaces; the app cannot change
    let mut body = wechat();
    body["name"] = json!("Renamed");
    body["isEnabled"] = json!(false);
    let r = s.put(&format!("{V4}/{id}"), &s.admin, body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.json()["name"].clone(), r.json()["isEnabled"].clone()),
        (json!("Renamed"), json!(false))
    );
    let mut body = wechat();
    body["appId"] = json!("Twitter");
    let r = s.put(&format!("{V4}/{id}"), &s.admin, body);
    assert_eq!(r.error_fields(), vec!["appId"]);

    // agents read, only admins write
    let (_, agent) = s.agent("a@example.com", "agent");
    assert_eq!(s.get(V4, &agent).status, 200);
    assert_eq!(s.post(V4, &agent, wechat()).status, 403);

    // another site sees nothing
    let (_, other) = s.create_site("Other", "o@example.com");
    assert_eq!(s.get(&format!("{V4}/{id}"), &other).status, 404);
    assert_eq!(s.get(V4, &other).json(), json!([]));

    assert_eq!(s.delete(&format!("{V4}/{id}"), &s.admin).status, 204);
    assert_eq!(s.get(&format!("{V4}/{id}"), &s.admin).status, 404);
}

#[test]
fn email_channel_accounts_are_email_accounts() {
    let s = Server::start();
    // an email account made through v3 is an Email channel account
    let r = s.post(
        EMAIL_ACCOUNTS,
        &s.admin,
        json!({"type": "emailForwarding", "businessEmail": "help@example.com", "displayName": "Help"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let first = r.json()["emailAccount"]["id"].as_str().unwrap().to_string();
    let list = s.get(V4, &s.admin).json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], json!(first));
    assert_eq!(list[0]["appId"], "Email");
    assert_eq!(list[0]["originalAccountId"], "help@example.com");
    assert_eq!(list[0]["screenName"], "Help");
    assert_eq!(list[0]["isDefault"], true);
    assert_eq!(list[0]["emailAccountInfo"]["type"], "emailForwarding");

    // and one made through v4 is an email account, with its password sealed
    let r = s.post(
        V4,
        &s.admin,
        json!({"appId": "Email", "originalAccountId": "sales@example.com", "name": "Sales",
               "isEnabled": true, "screenName": "Sales team", "isBotEnabled": true,
               "percentageToBotWhenOnline": 50, "percentageToBotWhenOffline": 100,
               "isDefault": true,
               "emailAccountInfo": {"type": "IMAP", "serverInfo": {
                   "incomingServer": "imap.example.com", "incomingServerPort": 993,
                   "password": "hunter2"}}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v4 = r.json();
    let second = v4["id"].as_str().unwrap().to_string();
    assert_eq!(v4["emailAccountInfo"]["type"], "imap");
    assert_eq!(v4["emailAccountInfo"]["serverInfo"]["password"], "********");
    assert!(!r.body.contains("hunter2"));
    let v3 = s.get(&format!("{EMAIL_ACCOUNTS}/{second}"), &s.admin);
    assert_eq!(v3.status, 200, "{}", v3.body);
    let account = v3.json()["emailAccount"].clone();
    assert_eq!(account["businessEmail"], "sales@example.com");
    assert_eq!(account["displayName"], "Sales team");
    assert_eq!(account["number"], 2);
    assert_eq!(account["isDefault"], true, "isDefault moved the default");
    assert!(account.get("channel").is_none(), "{account}");
    let firsts = s.get(&format!("{EMAIL_ACCOUNTS}/{first}"), &s.admin).json();
    assert_eq!(firsts["emailAccount"]["isDefault"], false);

    // a v3 change shows in v4 and the bot settings survive it
    let r = s.put(
        &format!("{EMAIL_ACCOUNTS}/{second}"),
        &s.admin,
        json!({"displayName": "Sales desk"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v4 = s.get(&format!("{V4}/{second}"), &s.admin).json();
    assert_eq!(v4["screenName"], "Sales desk");
    assert_eq!(v4["percentageToBotWhenOnline"], 50);
    assert_eq!(v4["isBotEnabled"], true);

    // an email validation error names the nested field
    let r = s.post(
        V4,
        &s.admin,
        json!({"appId": "Email", "originalAccountId": "not an address", "name": "X",
               "isEnabled": true, "screenName": "X", "isBotEnabled": false,
               "percentageToBotWhenOnline": 0, "percentageToBotWhenOffline": 0,
               "isDefault": false}),
    );
    assert_eq!(
        r.error_fields(),
        vec!["emailAccountInfo.businessEmail"],
        "{}",
        r.body
    );

    // integration accounts: the enabled ones, seed 002 shape
    let r = s.post(
        V4,
        &s.admin,
        json!({"appId": "Twitter", "originalAccountId": "@help",
        "name": "Tw", "isEnabled": false, "screenName": "Tw", "isBotEnabled": false,
        "percentageToBotWhenOnline": 0, "percentageToBotWhenOffline": 0, "isDefault": false}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.get("/api/v3/anytime/integrationAccounts", &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    let ia = r.json()["integrationAccounts"].clone();
    assert_eq!(ia.as_array().unwrap().len(), 2, "{ia}");
    assert_eq!(ia[1]["accountOriginalId"], "sales@example.com");
    assert_eq!(ia[1]["appId"], "Email");
    assert_eq!(ia[1]["isEnable"], true);

    // deleting through v4 follows the email account rules: enabled → 409
    assert_eq!(s.delete(&format!("{V4}/{second}"), &s.admin).status, 409);
    let r = s.put(
        &format!("{EMAIL_ACCOUNTS}/{second}/enable"),
        &s.admin,
        json!({"enable": false}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.delete(&format!("{V4}/{second}"), &s.admin).status, 204);
    assert_eq!(
        s.get(&format!("{EMAIL_ACCOUNTS}/{second}"), &s.admin)
            .status,
        404
    );
    let firsts = s.get(&format!("{EMAIL_ACCOUNTS}/{first}"), &s.admin).json();
    assert_eq!(
        firsts["emailAccount"]["isDefault"], true,
        "default promoted"
    );
}
