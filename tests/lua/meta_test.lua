-- The LuaLS annotations (lua/meta/paperwatch.d.lua) and the real module
-- agree in both directions: every public function and value of
-- require "paperwatch" (and of its submodules) is annotated, and every
-- annotated one exists.
local t = require "t"
local pw = require "paperwatch"
local here = arg[0]:match("^(.*)/") or "."
local f = assert(io.open(here .. "/../../lua/meta/paperwatch.d.lua"))
local text = f:read("a")
f:close()

t.ok(text:match("^%-%-%-@meta") ~= nil, "the file starts with ---@meta")

-- annotated: function paperwatch.a.b( and paperwatch.a.b = <non-table>
local meta = {}
for name in text:gmatch("\nfunction paperwatch%.([%w_.]+)%(") do meta[name] = "function" end
for name, rhs in text:gmatch("\npaperwatch%.([%w_.]+) = ([^\n]*)") do
  if rhs ~= "{}" then meta[name] = "value" end
end

-- real: functions and plain values, walking namespaces (tables)
local real, seen = {}, {}
local function walk(prefix, tbl)
  if seen[tbl] then return end
  seen[tbl] = true
  for k, v in pairs(tbl) do
    local name = prefix .. k
    if type(v) == "function" then real[name] = "function"
    elseif type(v) == "table" then walk(name .. ".", v)
    else real[name] = "value" end
  end
end
walk("", pw)

for name in pairs(real) do
  t.ok(meta[name] ~= nil, "pw." .. name .. " is annotated")
end
for name in pairs(meta) do
  t.ok(real[name] ~= nil, "annotated pw." .. name .. " exists")
end

-- submodules are the same tables as pw's fields
for _, m in ipairs { "http", "json", "re", "time", "log", "feed", "db", "notify", "mail" } do
  local ok, mod = pcall(require, "paperwatch." .. m)
  t.ok(ok and type(mod) == "table", "require 'paperwatch." .. m .. "'")
  local names = 0
  for k, v in pairs(ok and mod or {}) do
    if type(v) == "function" then
      names = names + 1
      t.ok(meta[m .. "." .. k] ~= nil, ("paperwatch.%s.%s is annotated"):format(m, k))
    end
  end
  t.ok(names > 0, "paperwatch." .. m .. " has functions")
end

-- paper and regex methods
for _, m in ipairs { "match", "has_author", "in_category" } do
  t.ok(text:find("function Paper:" .. m .. "(", 1, true) ~= nil, "p:" .. m .. " annotated")
  t.ok(type(require("paperwatch.paper")[m]) == "function", "p:" .. m .. " exists")
end
local rmt = getmetatable(pw.re.compile("x")).__index
for k in pairs(rmt) do
  t.ok(text:find("function Regex:" .. k .. "(", 1, true) ~= nil, "re:" .. k .. " annotated")
end

t.done()
