-- paperwatch.time against the C library: formatting is our own arithmetic
-- (no strftime on the hot path), so check it over a wide range.
local t = require "t"
local time = require "paperwatch.time"

local fixed = { 0, 1, 86399, 86400, 951782400, 951868800, 1704164645,
  4102444799, -1, -86400, -86401, 253402300799 }
for _, v in ipairs(fixed) do
  t.eq(time.format(v), os.date("!%Y-%m-%dT%H:%M:%SZ", v), "format " .. v)
  t.eq(time.parse(time.format(v)), v, "parse(format(" .. v .. "))")
end

math.randomseed(42)
local bad = 0
for _ = 1, 100000 do
  local v = math.random(-2000000000, 9000000000)
  if time.format(v) ~= os.date("!%Y-%m-%dT%H:%M:%SZ", v) then bad = bad + 1 end
end
t.eq(bad, 0, "format agrees with the C library on 100000 random times")

-- the date shapes feeds write
local shapes = {
  ["2024-01-02T03:04:05Z"] = 1704164645,
  ["2024-01-02T03:04:05.123Z"] = 1704164645,
  ["2024-01-02T04:04:05+01:00"] = 1704164645,
  ["2024-01-02T04:04:05+0100"] = 1704164645,
  ["2024-01-02 03:04:05"] = 1704164645,
  ["Tue, 02 Jan 2024 03:04:05 GMT"] = 1704164645,
  ["Tue, 02 Jan 2024 03:04:05 +0000"] = 1704164645,
  ["02 Jan 2024 03:04:05 UT"] = 1704164645,
  ["Mon, 01 Jan 2024 22:04:05 EST"] = 1704164645,
  ["Tue, 2 Jan 2024 03:04 GMT"] = 1704164640,
  ["2024-01-02"] = 1704153600,
}
for s, want in pairs(shapes) do
  t.eq(time.parse(s), want, "parse '" .. s .. "'")
end
t.ok(time.parse("2024-13-02") == nil, "month 13 refused")
t.ok(time.parse("") == nil, "empty refused")

t.done()
