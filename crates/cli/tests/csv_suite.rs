//! `segscope convert` against the cases of the csv-spectrum test suite (the common CSV
//! conformance suite: each case is a CSV file and the JSON a conforming parser produces).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

fn convert(csv: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in.csv"), dir.path().join("out.json"));
    std::fs::write(&input, csv).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_segscope"))
        .args(["convert", input.to_str().unwrap(), output.to_str().unwrap(), "--delimiter", ","])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(output).unwrap()).unwrap()
}

#[test]
fn csv_spectrum_cases() {
    use serde_json::json;
    let cases: Vec<(&str, &[u8], serde_json::Value)> = vec![
        (
            "comma_in_quotes",
            b"first,last,address,city,zip\nJohn,Doe,120 any st.,\"Anytown, WW\",08123\n",
            json!([{"first":"John","last":"Doe","address":"120 any st.","city":"Anytown, WW","zip":"08123"}]),
        ),
        ("empty", b"a,b,c\n1,\"\",\"\"\n2,3,4\n", json!([{"a":"1","b":"","c":""},{"a":"2","b":"3","c":"4"}])),
        (
            "empty_crlf",
            b"a,b,c\r\n1,\"\",\"\"\r\n2,3,4\r\n",
            json!([{"a":"1","b":"","c":""},{"a":"2","b":"3","c":"4"}]),
        ),
        (
            "escaped_quotes",
            b"a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n",
            json!([{"a":"1","b":"ha \"ha\" ha"},{"a":"3","b":"4"}]),
        ),
        (
            "json",
            b"key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n",
            json!([{"key":"1","val":"{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"}]),
        ),
        (
            "newlines",
            b"a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
            json!([{"a":"1","b":"2","c":"3"},{"a":"Once upon \na time","b":"5","c":"6"},{"a":"7","b":"8","c":"9"}]),
        ),
        (
            "newlines_crlf",
            b"a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
            json!([{"a":"1","b":"2","c":"3"},{"a":"Once upon \r\na time","b":"5","c":"6"},{"a":"7","b":"8","c":"9"}]),
        ),
        (
            "quotes_and_newlines",
            b"a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
            json!([{"a":"1","b":"ha \n\"ha\" \nha"},{"a":"3","b":"4"}]),
        ),
        ("simple", b"a,b,c\n1,2,3\n", json!([{"a":"1","b":"2","c":"3"}])),
        ("simple_crlf", b"a,b,c\r\n1,2,3\r\n", json!([{"a":"1","b":"2","c":"3"}])),
        ("utf8", "a,b,c\n1,2,3\n4,5,ʤ\n".as_bytes(), json!([{"a":"1","b":"2","c":"3"},{"a":"4","b":"5","c":"ʤ"}])),
    ];
    for (name, csv, expected) in cases {
        assert_eq!(convert(csv), expected, "case {name}");
    }
}
