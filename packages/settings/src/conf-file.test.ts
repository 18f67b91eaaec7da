import { expect, test } from "bun:test";
import { parseConf } from "./conf-file.ts";

test("key = value lines, comments, CRLF, '#' inside a value and later-wins order are kept", () => {
  const text = "# header\r\n\r\n  a = 1  # trailing\r\nurl = http://h/x#frag\nspaced=  two words \na = 2\n";
  const { entries, issues } = parseConf(text, "s.conf");
  expect(issues).toEqual([]);
  expect(entries).toEqual([
    { key: "a", value: "1", source: "s.conf:3" },
    { key: "url", value: "http://h/x#frag", source: "s.conf:4" },
    { key: "spaced", value: "two words", source: "s.conf:5" },
    { key: "a", value: "2", source: "s.conf:6" },
  ]);
});

test("an empty value is allowed; a bad key is an issue", () => {
  const { entries, issues } = parseConf("asset_apiPrefix =\n9bad = x\n", "f");
  expect(entries).toEqual([{ key: "asset_apiPrefix", value: "", source: "f:1" }]);
  expect(issues).toMatchObject([{ key: "9bad", source: "f:2" }]);
});
