-- Seed of the postcode-to-council table for Cumbria (see docs/adr/0017-postcode-to-council.md).
--
-- A STARTING POINT from public knowledge of postcode district boundaries, not an authoritative list: check every row
-- against the ONS Postcode Directory (National Statistics Postcode Lookup, local authority field) before live use.
-- Staff maintain the table at /staff/admin/postcodes; this seed never overwrites their rows (ON CONFLICT DO NOTHING),
-- and a row whose council is missing from `organisations` is left out rather than guessed.
--
-- Since 1 April 2023: Cumberland (former Allerdale, Carlisle, Copeland) and Westmorland and Furness (former
-- Barrow-in-Furness, Eden, South Lakeland). A sector ("CA7 4") is looked up before its district ("CA7").
-- 'choose': the district is split, or we are not sure: the officer chooses the council.
-- 'outside': believed to be outside Cumbria; the officer can still choose a council.
INSERT INTO "postcode_councils" ("prefix", "kind", "organisation_id", "note")
SELECT v.prefix, v.kind, o.id, v.note
FROM (VALUES
  -- Cumberland: former Carlisle
  ('CA1', 'council', 'cumberland', 'Carlisle (former Carlisle City).'),
  ('CA2', 'council', 'cumberland', 'Carlisle (former Carlisle City).'),
  ('CA3', 'council', 'cumberland', 'Carlisle (former Carlisle City).'),
  ('CA4', 'choose', NULL, 'Split between Cumberland (Wetheral, Scotby, Warwick Bridge: former Carlisle) and Westmorland and Furness (Hesket, Armathwaite, Ainstable: former Eden). Check the address.'),
  ('CA5', 'council', 'cumberland', 'Rural Carlisle and former Allerdale (Dalston, Burgh by Sands, Thursby).'),
  ('CA6', 'choose', NULL, 'Mostly Cumberland (Longtown, Bewcastle: former Carlisle), but the district runs up to the borders with Scotland and Northumberland. Check the address.'),
  ('CA8', 'choose', NULL, 'Mostly Cumberland (Brampton: former Carlisle), but crosses into Northumberland around Gilsland and Greenhead, and may touch the former Eden. Check the address.'),
  ('CA8 1', 'council', 'cumberland', 'Brampton (former Carlisle).'),
  -- Cumberland: former Allerdale
  ('CA7', 'choose', NULL, 'Split: mostly Cumberland (Wigton, Aspatria, Silloth, Caldbeck: former Allerdale), with some addresses in Westmorland and Furness (former Eden). Check the address.'),
  ('CA7 4', 'council', 'cumberland', 'Silloth and Holme Cultram (former Allerdale).'),
  ('CA7 9', 'council', 'cumberland', 'Wigton (former Allerdale).'),
  ('CA12', 'choose', NULL, 'Split: mostly Cumberland (Keswick, Borrowdale, Threlkeld: former Allerdale), with some addresses in Westmorland and Furness (former Eden). Check the address.'),
  ('CA13', 'council', 'cumberland', 'Cockermouth (former Allerdale).'),
  ('CA14', 'council', 'cumberland', 'Workington and Distington (former Allerdale and Copeland).'),
  ('CA15', 'council', 'cumberland', 'Maryport (former Allerdale).'),
  -- Cumberland: former Copeland
  ('CA18', 'council', 'cumberland', 'Ravenglass (former Copeland).'),
  ('CA19', 'council', 'cumberland', 'Eskdale and Holmrook (former Copeland).'),
  ('CA20', 'council', 'cumberland', 'Seascale and Gosforth (former Copeland).'),
  ('CA21', 'council', 'cumberland', 'Beckermet (former Copeland).'),
  ('CA22', 'council', 'cumberland', 'Egremont (former Copeland).'),
  ('CA23', 'council', 'cumberland', 'Cleator (former Copeland).'),
  ('CA24', 'council', 'cumberland', 'Moor Row (former Copeland).'),
  ('CA25', 'council', 'cumberland', 'Cleator Moor (former Copeland).'),
  ('CA26', 'council', 'cumberland', 'Frizington (former Copeland).'),
  ('CA27', 'council', 'cumberland', 'St Bees (former Copeland).'),
  ('CA28', 'council', 'cumberland', 'Whitehaven (former Copeland).'),
  ('LA18', 'council', 'cumberland', 'Millom (former Copeland), although its postcode is in the LA area.'),
  ('LA19', 'council', 'cumberland', 'Bootle and Silecroft (former Copeland).'),
  ('LA20', 'choose', NULL, 'Split: Westmorland and Furness (Broughton-in-Furness, Dunnerdale: former South Lakeland) and Cumberland (Ulpha: former Copeland). Check the address.'),
  -- Westmorland and Furness: former Eden
  ('CA9', 'choose', NULL, 'Mostly Westmorland and Furness (Alston Moor: former Eden), but the district crosses into Northumberland. Check the address.'),
  ('CA10', 'council', 'westmorland-furness', 'Rural Penrith and Shap (former Eden).'),
  ('CA11', 'council', 'westmorland-furness', 'Penrith and Ullswater (former Eden).'),
  ('CA16', 'council', 'westmorland-furness', 'Appleby-in-Westmorland (former Eden).'),
  ('CA17', 'council', 'westmorland-furness', 'Kirkby Stephen and Brough (former Eden).'),
  -- Westmorland and Furness: former South Lakeland
  ('LA7', 'council', 'westmorland-furness', 'Milnthorpe (former South Lakeland).'),
  ('LA8', 'council', 'westmorland-furness', 'Rural Kendal and Staveley (former South Lakeland).'),
  ('LA9', 'council', 'westmorland-furness', 'Kendal (former South Lakeland).'),
  ('LA11', 'council', 'westmorland-furness', 'Grange-over-Sands and Cartmel (former South Lakeland).'),
  ('LA12', 'council', 'westmorland-furness', 'Ulverston (former South Lakeland).'),
  ('LA17', 'council', 'westmorland-furness', 'Kirkby-in-Furness (former South Lakeland).'),
  ('LA21', 'council', 'westmorland-furness', 'Coniston (former South Lakeland).'),
  ('LA22', 'council', 'westmorland-furness', 'Ambleside, Hawkshead and Grasmere (former South Lakeland).'),
  ('LA23', 'council', 'westmorland-furness', 'Windermere and Bowness (former South Lakeland).'),
  ('LA10', 'choose', NULL, 'Mostly Westmorland and Furness (Sedbergh, Dent, Garsdale: former South Lakeland), but the district may cross into North Yorkshire. Check the address.'),
  -- Westmorland and Furness: former Barrow-in-Furness
  ('LA13', 'council', 'westmorland-furness', 'Barrow-in-Furness (former Barrow-in-Furness).'),
  ('LA14', 'council', 'westmorland-furness', 'Barrow-in-Furness and Walney (former Barrow-in-Furness).'),
  ('LA15', 'council', 'westmorland-furness', 'Dalton-in-Furness (former Barrow-in-Furness).'),
  ('LA16', 'council', 'westmorland-furness', 'Askam-in-Furness (former Barrow-in-Furness and South Lakeland).'),
  -- Districts that cross the county boundary
  ('LA2', 'outside', NULL, 'Believed to be outside Cumbria: Lancashire (rural Lancaster) and North Yorkshire (Bentham). If the address is in Cumbria, choose the council.'),
  ('LA5', 'choose', NULL, 'Crosses the county boundary: Westmorland and Furness (Arnside: former South Lakeland) and Lancashire (Carnforth, Silverdale). Check the address.'),
  ('LA6', 'choose', NULL, 'Crosses the county boundary: Westmorland and Furness (Kirkby Lonsdale, Burton-in-Kendal: former South Lakeland), Lancashire and North Yorkshire (Ingleton). Check the address.')
) AS v(prefix, kind, council, note)
LEFT JOIN "organisations" o ON o.code = v.council AND o.kind = 'council'
WHERE v.kind <> 'council' OR o.id IS NOT NULL
ON CONFLICT ("prefix") DO NOTHING;
