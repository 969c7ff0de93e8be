-- wrk script of bench/soak.py: requests cycle through the paths given after `--`, and the run
-- ends with the machine-readable line of wrk_report.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local paths = {}
local counter = 0

function init(args)
  for _, path in ipairs(args) do
    paths[#paths + 1] = path
  end
end

function request()
  counter = counter % #paths + 1
  return wrk.format(nil, paths[counter])
end
