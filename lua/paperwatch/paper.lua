-- paperwatch.paper: the methods of the read-only paper object rules see
-- (the host builds the object; fields are documented in the meta file).
local re = require "paperwatch.re"

local M = {}
local cache = setmetatable({}, { __mode = "v" })

local function compiled(pattern)
  if type(pattern) ~= "string" then return pattern end
  local r = cache[pattern]
  if not r then
    local err
    r, err = re.compile(pattern)
    if not r then error(err, 3) end
    cache[pattern] = r
  end
  return r
end

local function fold(s)
  return (s:lower():gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

--- p:match(pattern): does the regex (case-insensitive) match the title or
--- the abstract?
function M.match(p, pattern)
  local r = compiled(pattern)
  return r:test(p.title) or r:test(p.abstract)
end

--- p:has_author(name): an author of that name (case and spacing ignored).
function M.has_author(p, name)
  local want = fold(name)
  for _, a in ipairs(p.authors) do
    if fold(a) == want then return true end
  end
  return false
end

--- p:in_category(cat): "cs.LG" exactly, or an archive like "cs" or "math".
function M.in_category(p, cat)
  for _, c in ipairs(p.categories) do
    if c == cat or c:sub(1, #cat + 1) == cat .. "." then return true end
  end
  return false
end

return M
