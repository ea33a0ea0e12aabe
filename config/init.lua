-- paperwatch's built-in default config: used when you have none of your own
-- (copy it to ~/.config/paperwatch/init.lua and make it yours).
local pw = require "paperwatch"

-- Where papers come from: today's arXiv announcements in three categories,
-- and the papers people upvote on Hugging Face.
pw.source(pw.arxiv.listing { "cs.LG", "cs.CL", "cs.AI" })
pw.source(pw.hf.daily {})

-- Which ones matter: a paper many people upvoted scores higher.
pw.rule("trending", function(p)
  local up = p.upvotes or 0
  if up > 0 then
    return math.log(1 + up), ("%d upvotes on Hugging Face"):format(up)
  end
end)

-- A desktop notification for papers scoring at least this much
-- (log(1 + 50) is about 3.9).
pw.notify { min_score = 3.9 }
