-- paperwatch.rules: declarative rule tables compiled into functions of a
-- paper. Internal: users write pw.rule { ... }.
local re = require "paperwatch.re"
local paper = require "paperwatch.paper"

local M = {}

M.FIELDS = {
  name = "string", score = "number", reason = "string",
  match = "string|table", title = "string|table", abstract = "string|table",
  authors = "string|table", categories = "string|table",
  announce = "string|table", source = "string|table",
}

local function list(v)
  return type(v) == "table" and v or { v }
end

-- Compile every pattern now, so a bad regex is reported at the user's line.
local function regexes(rule, field, v, level)
  local out = {}
  for i, pat in ipairs(list(v)) do
    if type(pat) ~= "string" then
      error(("pw.rule '%s': %s[%d] must be a string"):format(rule, field, i), level)
    end
    local r, err = re.compile(pat)
    if not r then
      error(("pw.rule '%s': %s: %s"):format(rule, field, err), level)
    end
    out[#out + 1] = r
  end
  return out
end

local function any_test(rs, text)
  if not text then return false end
  for _, r in ipairs(rs) do
    if r:test(text) then return true end
  end
  return false
end

local function set_of(v)
  local s = {}
  for _, x in ipairs(list(v)) do s[x] = true end
  return s
end

--- Build the test list of a declarative rule; returns fn(p) -> score, reason.
function M.compile(t, level)
  level = level + 1
  local name, tests, why = t.name, {}, {}
  local function add(f, label) tests[#tests + 1] = f; why[#why + 1] = label end

  if t.match then
    local rs = regexes(name, "match", t.match, level + 1)
    add(function(p) return any_test(rs, p.title) or any_test(rs, p.abstract) end,
        "match")
  end
  for _, field in ipairs { "title", "abstract" } do
    if t[field] then
      local rs = regexes(name, field, t[field], level + 1)
      add(function(p) return any_test(rs, p[field]) end, field)
    end
  end
  if t.authors then
    local names = list(t.authors)
    add(function(p)
      for _, n in ipairs(names) do
        if paper.has_author(p, n) then return true end
      end
      return false
    end, "authors")
  end
  if t.categories then
    local cats = list(t.categories)
    add(function(p)
      for _, c in ipairs(cats) do
        if paper.in_category(p, c) then return true end
      end
      return false
    end, "categories")
  end
  for _, field in ipairs { "announce", "source" } do
    if t[field] then
      local s = set_of(t[field])
      add(function(p) return s[p[field] or ""] == true end, field)
    end
  end
  if #tests == 0 then
    error(("pw.rule '%s': nothing to match (give match, title, abstract, "
      .. "authors, categories, announce or source)"):format(name), level)
  end
  local score = t.score
  local reason = t.reason or ("matched %s"):format(table.concat(why, ", "))
  return function(p)
    for i = 1, #tests do
      if not tests[i](p) then return nil end
    end
    return score, reason
  end
end

--- A stable text of the rule's definition, for the rule set's hash.
function M.signature(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = t[k]
    if type(v) == "table" then v = table.concat(v, "\0") end
    parts[#parts + 1] = k .. "=" .. tostring(v)
  end
  return table.concat(parts, "\1")
end

--- A function rule's signature: its own source lines when readable.
function M.function_signature(name, fn)
  local info = debug.getinfo(fn, "S")
  local sig = { name, info.source, info.linedefined, info.lastlinedefined }
  local path = info.source:match("^@(.*)")
  local f = path and io.open(path)
  if f then
    local n = 0
    for line in f:lines() do
      n = n + 1
      if n >= info.linedefined and n <= info.lastlinedefined then
        sig[#sig + 1] = line
      end
      if n > info.lastlinedefined then break end
    end
    f:close()
  end
  return table.concat(sig, "\n")
end

return M
