-- Coach profile for itinerary: OSRM's car profile (car.lua of the installed osrm-bindings;
-- `itinerary roads prepare` puts this file beside it) with what a touring coach keeps.
--
-- Where the numbers come from (README, "Road times"):
-- * 100 km/h at most anywhere: EU Directive 92/6/EEC (as amended by 2002/85/EC) makes coaches
--   carry a speed limiter set at 100 km/h; Germany's StVO § 3 (3) and § 18 (5) allow a coach
--   100 km/h on motorways (Tempo-100 approval) and 80 km/h on other roads outside towns, and
--   France's Code de la route R413-10 the same 100 km/h on motorways.
-- * Slower than a car elsewhere: 80 km/h at most off motorways (the StVO limit above), and the
--   default speeds of unsigned roads about 10 % (towns) to 20 % (minor roads) below the car's,
--   for a 12 m vehicle that turns, brakes and climbs slower.
-- * No roads closed to buses: bus, coach and tourist_bus tags open a way a car may not use
--   (and close one they forbid); the size is a coach's (EU Directive 96/53/EC: 12 m long and
--   2.55 m wide for a two-axle coach, 4 m high; 18 t), so height, width, length and weight
--   limits posted on a way apply.

api_version = 4

local here = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or './'
local car = dofile(here .. 'car.lua')

function setup()
  local profile = car.setup()

  profile.vehicle_max_speed = 100
  profile.vehicle_height = 3.8
  profile.vehicle_width = 2.55
  profile.vehicle_length = 12.0
  profile.vehicle_weight = 18000
  profile.turn_penalty = 10

  local speeds = profile.speeds.highway
  speeds.motorway = 90
  speeds.motorway_link = 40
  speeds.trunk = 75
  speeds.trunk_link = 35
  speeds.primary = 55
  speeds.primary_link = 25
  speeds.secondary = 45
  speeds.secondary_link = 20
  speeds.tertiary = 35
  speeds.tertiary_link = 15
  speeds.unclassified = 20
  speeds.residential = 20
  speeds.living_street = 8
  speeds.service = 10

  -- Access: a coach's own tags first, then the general ones (not motorcar: a way closed to
  -- cars may still be open to buses).
  profile.access_tags_hierarchy = Sequence {
    'tourist_bus', 'coach', 'bus', 'motor_vehicle', 'vehicle', 'access'
  }
  profile.restrictions = Sequence { 'bus', 'motor_vehicle', 'vehicle' }
  for _, tag in ipairs({ 'psv', 'bus', 'minibus' }) do
    profile.access_tag_blacklist[tag] = nil
  end
  for _, tag in ipairs({ 'bus', 'psv', 'coach', 'tourist_bus' }) do
    profile.access_tag_whitelist[tag] = true
  end
  return profile
end

-- 80 km/h at most off motorways (the car's process_way already capped everything at 100).
local function process_way(profile, way, result, relations)
  car.process_way(profile, way, result, relations)
  local highway = way:get_value_by_key('highway')
  if highway ~= 'motorway' and highway ~= 'motorway_link' then
    if result.forward_speed and result.forward_speed > 80 then
      result.forward_speed = 80
    end
    if result.backward_speed and result.backward_speed > 80 then
      result.backward_speed = 80
    end
  end
end

return {
  setup = setup,
  process_way = process_way,
  process_node = car.process_node,
  process_turn = car.process_turn
}
