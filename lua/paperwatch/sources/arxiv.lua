-- paperwatch.sources.arxiv: arXiv's announcement listings (RSS from
-- rss.arxiv.org: new, cross-list and replacement announcements marked).
local LISTING_URL = "https://rss.arxiv.org/rss/"
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
    min_delay = 3,            -- arXiv asks for 3 s between requests
    interval = t.interval or 6 * 3600,
  }
end

return M
