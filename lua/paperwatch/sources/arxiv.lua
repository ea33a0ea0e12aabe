-- paperwatch.sources.arxiv: arXiv's announcement listings (RSS from
-- rss.arxiv.org: new, cross-list and replacement announcements marked) and
-- the arXiv API (a search, paged politely: one request every 3 s).
local LISTING_URL = "https://rss.arxiv.org/rss/"
local API_URL = "https://export.arxiv.org/api/query"
local API_GAP = 3       -- seconds between API requests, as arXiv asks
local M = {}

--- pw.arxiv.listing { "cs.LG", "cs.CL" } (optionally name =, interval =)
function M.listing(t)
  if type(t) == "string" then t = { t } end
  if type(t) ~= "table" or #t == 0 then
    error("pw.arxiv.listing: expected a non-empty list of categories, "
      .. "like { \"cs.LG\", \"cs.CL\" }", 2)
  end
  for i, cat in ipairs(t) do
    if type(cat) ~= "string" or not cat:match("^[%a%-]+[%.%w%-]*$") then
      error(("pw.arxiv.listing: category #%d is not an arXiv category: %s")
        :format(i, tostring(cat)), 2)
    end
  end
  local joined = table.concat(t, "+")
  return {
    name = t.name or ("arxiv:" .. joined),
    url = LISTING_URL .. joined,
    format = "rss",
    min_delay = API_GAP,
    interval = t.interval or 6 * 3600,
  }
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return ("%%%02X"):format(c:byte())
  end))
end

local QUERY_FIELDS = {
  name = "string", max_results = "number", page_size = "number",
  sort_by = "string", interval = "number", url = "string",
}
local SORTS = { relevance = true, lastUpdatedDate = true, submittedDate = true }

--- The URL of one page of an API search.
function M.query_url(base, search, start, n, sort)
  return ("%s?search_query=%s&start=%d&max_results=%d&sortBy=%s&sortOrder=descending")
    :format(base, urlencode(search), start, n, sort)
end

--- pw.arxiv.query { "cat:cs.LG AND abs:diffusion", max_results = 200 }
--- pages through an arXiv API search (page_size per request, 3 s apart),
--- newest first (sort_by = "submittedDate", "lastUpdatedDate" or
--- "relevance").
function M.query(t)
  if type(t) == "string" then t = { t } end
  if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
    error('pw.arxiv.query: expected a search, like { "cat:cs.LG AND ti:diffusion" }', 2)
  end
  for k, v in pairs(t) do
    if k ~= 1 and (QUERY_FIELDS[k] == nil or type(v) ~= QUERY_FIELDS[k]) then
      error(("pw.arxiv.query: bad field '%s'"):format(tostring(k)), 2)
    end
  end
  local sort = t.sort_by or "submittedDate"
  if not SORTS[sort] then
    error("pw.arxiv.query: sort_by must be relevance, lastUpdatedDate or submittedDate", 2)
  end
  local search, total = t[1], t.max_results or 100
  local page = math.min(t.page_size or 100, total)
  local base = t.url or API_URL
  return {
    name = t.name or ("arxiv-api:" .. search),
    min_delay = API_GAP,
    interval = t.interval or 24 * 3600,
    fetch = function(src)
      local http, feed = require "paperwatch.http", require "paperwatch.feed"
      local all, start = {}, 0
      while start < total do
        local n = math.min(page, total - start)
        local body, info = http.get(M.query_url(base, search, start, n, sort),
                                    { min_delay = API_GAP })
        if not body then return nil, info end
        local entries, meta = feed.parse(body, src.name)
        if not entries then return nil, meta end
        table.move(entries, 1, #entries, #all + 1, all)
        start = start + n
        if #entries < n or (meta.total_results and start >= meta.total_results) then
          break
        end
      end
      return all
    end,
  }
end

return M
