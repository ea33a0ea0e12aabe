-- paperwatch.check: validating tables at the door, blaming the user's line
-- (imapfilter's _check_required). Internal.
local M = {}

local function distance(a, b)
  local la, lb = #a, #b
  if math.abs(la - lb) > 3 then return 99 end
  local prev, cur = {}, {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    cur[0] = i
    for j = 1, lb do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev, cur = cur, prev
  end
  return prev[lb]
end

--- The closest known name, when close enough to be a typo.
function M.suggest(word, known)
  local best, bestd = nil, 3
  for name in pairs(known) do
    local d = distance(word, name)
    if d < bestd or (d == bestd and best and name < best) then
      best, bestd = name, d
    end
  end
  return best
end

--- Raise (at `level`, default the caller's caller) when `t` has a key not
--- in `known` (a set of name -> expected type or true).
function M.fields(what, t, known, level)
  level = (level or 2) + 1
  for k in pairs(t) do
    if type(k) ~= "number" and known[k] == nil then
      local hint = type(k) == "string" and M.suggest(k, known)
      error(("%s: unknown field '%s'%s"):format(what, tostring(k),
        hint and (" (did you mean '%s'?)"):format(hint) or ""), level)
    end
  end
  for k, want in pairs(known) do
    local v = t[k]
    if v ~= nil and type(want) == "string" then
      local ok = false
      for alt in want:gmatch("[^|]+") do
        if type(v) == alt then ok = true end
      end
      if not ok then
        error(("%s: field '%s' must be a %s, got %s"):format(what, k,
          want:gsub("|", " or "), type(v)), level)
      end
    end
  end
end

--- Where the user's code called us: "init.lua:12".
function M.where(level)
  local info = debug.getinfo((level or 2) + 1, "Sl")
  if not info then return "?" end
  return ("%s:%d"):format(info.short_src, info.currentline or 0)
end

-- `paperwatch check`: each public function records its error (at the
-- user's line) and returns a stand-in, so the config runs on and every
-- mistake is listed, not only the first.
local BAD = setmetatable({}, { __name = "a rejected value" })
M.BAD = BAD

local function guarded(fn, registry)
  return function(...)
    for i = 1, select("#", ...) do
      if select(i, ...) == BAD then return BAD end -- already reported
    end
    local where = M.where(2)
    local res = table.pack(pcall(fn, ...))
    if res[1] then return table.unpack(res, 2, res.n) end
    local msg = tostring(res[2]):gsub("^[^\n]-:%d+: ", "", 1)
    registry.problems[#registry.problems + 1] = where .. ": " .. msg
    return BAD
  end
end

local function guard_call(t, registry)
  local mt = getmetatable(t)
  if type(mt) == "table" and type(mt.__call) == "function" then
    mt.__call = guarded(mt.__call, registry)
  end
end

function M.collect(pw, registry)
  for _, k in ipairs { "source", "rule", "digest", "options", "limits",
                       "on_match" } do
    pw[k] = guarded(pw[k], registry)
  end
  guard_call(pw.feed, registry)
  guard_call(pw.notify, registry)
  for _, sub in ipairs { pw.arxiv, pw.hf } do
    for k, v in pairs(sub) do
      if type(v) == "function" then sub[k] = guarded(v, registry) end
    end
  end
end

return M
