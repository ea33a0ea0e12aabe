-- Trending only: what many people upvote on Hugging Face daily papers,
-- and nothing else. Scores grow with the upvotes; a bubble for the
-- few that take off.
local pw = require "paperwatch"

pw.source(pw.hf.daily { days = 2 })

-- log(1 + upvotes): 10 upvotes ~ 2.4, 50 ~ 3.9, 200 ~ 5.3
pw.rule("upvotes", function(p)
  local up = p.upvotes or 0
  if up > 0 then
    return math.log(1 + up), ("%d upvotes"):format(up)
  end
end)

-- Keep only papers somebody upvoted at all.
pw.rule { name = "upvoted", keep = true,
          fn = function(p) return (p.upvotes or 0) > 0 end }

-- A bonus when the authors shared code.
pw.rule("has code", function(p)
  if p.github_repo or (p.abstract and p:match([[github\.com/]])) then
    return 0.5, "code available"
  end
end)

pw.notify { min_score = 4.5 }
pw.on_match(function(p, score)
  pw.log.info(("trending: %.1f %s"):format(score, p.title))
end, { min_score = 4.5 })
