import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSelector } from './prometheus-selector.js';

test('label matchers are accepted with or without braces, and normalized', () => {
  assert.deepEqual(parseSelector(''), { matchers: '' });
  assert.deepEqual(parseSelector('host_name="studio"'), { matchers: 'host_name="studio"' });
  assert.deepEqual(parseSelector(' { host_name = "studio" , user_email=~".*@home\\\\.lan", } '), { matchers: 'host_name="studio",user_email=~".*@home\\\\.lan"' });
  assert.deepEqual(parseSelector("job!='x',a!~`b`"), { matchers: "job!='x',a!~`b`" });
});

test('a selector that is not label matchers is refused with a reason', () => {
  for (const bad of ['host_name=studio', 'host_name', '9x="a"', 'a="b" c="d"', 'a="unterminated', 'up{a="b"}', 'a=="b"']) {
    const r = parseSelector(bad);
    assert.ok('error' in r, bad);
  }
  const r = parseSelector('host_name=studio');
  assert.match('error' in r ? r.error : '', /must be quoted, e\.g\. host_name="studio"/);
});
