-- Reference data for triage (issue 4). Re-runnable: the test suite runs it again after emptying tables.
-- England and Wales bank holidays 2024–2028, for working-day targets. Check against https://www.gov.uk/bank-holidays
-- and add each new year's dates before it starts.
INSERT INTO bank_holidays (day, name) VALUES
  ('2024-01-01', 'New Year''s Day'), ('2024-03-29', 'Good Friday'), ('2024-04-01', 'Easter Monday'),
  ('2024-05-06', 'Early May bank holiday'), ('2024-05-27', 'Spring bank holiday'), ('2024-08-26', 'Summer bank holiday'),
  ('2024-12-25', 'Christmas Day'), ('2024-12-26', 'Boxing Day'),
  ('2025-01-01', 'New Year''s Day'), ('2025-04-18', 'Good Friday'), ('2025-04-21', 'Easter Monday'),
  ('2025-05-05', 'Early May bank holiday'), ('2025-05-26', 'Spring bank holiday'), ('2025-08-25', 'Summer bank holiday'),
  ('2025-12-25', 'Christmas Day'), ('2025-12-26', 'Boxing Day'),
  ('2026-01-01', 'New Year''s Day'), ('2026-04-03', 'Good Friday'), ('2026-04-06', 'Easter Monday'),
  ('2026-05-04', 'Early May bank holiday'), ('2026-05-25', 'Spring bank holiday'), ('2026-08-31', 'Summer bank holiday'),
  ('2026-12-25', 'Christmas Day'), ('2026-12-28', 'Boxing Day (substitute day)'),
  ('2027-01-01', 'New Year''s Day'), ('2027-03-26', 'Good Friday'), ('2027-03-29', 'Easter Monday'),
  ('2027-05-03', 'Early May bank holiday'), ('2027-05-31', 'Spring bank holiday'), ('2027-08-30', 'Summer bank holiday'),
  ('2027-12-27', 'Christmas Day (substitute day)'), ('2027-12-28', 'Boxing Day (substitute day)'),
  ('2028-01-03', 'New Year''s Day (substitute day)'), ('2028-04-14', 'Good Friday'), ('2028-04-17', 'Easter Monday'),
  ('2028-05-01', 'Early May bank holiday'), ('2028-05-29', 'Spring bank holiday'), ('2028-08-28', 'Summer bank holiday'),
  ('2028-12-25', 'Christmas Day'), ('2028-12-26', 'Boxing Day')
ON CONFLICT (day) DO NOTHING;
--> statement-breakpoint
INSERT INTO triage_settings (id, target_working_days) VALUES (true, 5) ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
-- The Vulnerability Assessment Framework's three groups of factors, in our own short wording, with no score: each
-- factor is rated on the evidence and explained. A changed framework is a new version (assessments keep theirs).
INSERT INTO assessment_frameworks (code, version, title, definition, active) VALUES (
  'vaf', 1, 'Vulnerability Assessment Framework',
  '{
    "ratings": [
      {"code": "no_evidence", "label": "No evidence"},
      {"code": "some", "label": "Some evidence"},
      {"code": "significant", "label": "Significant evidence"},
      {"code": "not_known", "label": "Not known"}
    ],
    "sections": [
      {"code": "engagement", "title": "Engagement with a group, cause or ideology",
       "hint": "What draws the person in: needs, feelings and circumstances that can make an extremist group or idea attractive.",
       "factors": [
         {"code": "grievance", "label": "Feelings of grievance or injustice"},
         {"code": "threat", "label": "Feeling under threat"},
         {"code": "identity", "label": "A need for identity, meaning or belonging"},
         {"code": "status", "label": "A wish for status"},
         {"code": "excitement", "label": "A wish for excitement or adventure"},
         {"code": "dominance", "label": "A need to dominate or control others"},
         {"code": "susceptibility", "label": "Susceptibility to indoctrination"},
         {"code": "change", "label": "A wish for political or moral change"},
         {"code": "opportunistic", "label": "Opportunistic involvement"},
         {"code": "family_friends", "label": "Family or friends involved in extremism"},
         {"code": "transition", "label": "A time of change in life"},
         {"code": "group_influence", "label": "Being influenced or controlled by a group"},
         {"code": "mental_health", "label": "Relevant mental health needs"}
       ]},
      {"code": "intent", "title": "Intent to cause harm",
       "hint": "Whether the person is prepared to cause or support harm, and how they think about it.",
       "factors": [
         {"code": "over_identification", "label": "Over-identification with a group or ideology"},
         {"code": "us_and_them", "label": "Us-and-them thinking"},
         {"code": "dehumanising", "label": "Seeing the other side as less than human"},
         {"code": "justifying", "label": "Attitudes that justify offending"},
         {"code": "harmful_means", "label": "Harmful means to an end"},
         {"code": "harmful_objectives", "label": "Harmful objectives"}
       ]},
      {"code": "capability", "title": "Capability to cause harm",
       "hint": "Whether the person could act: what they know, can do and can get hold of.",
       "factors": [
         {"code": "knowledge_skills", "label": "Knowledge, skills and competence"},
         {"code": "access", "label": "Access to networks, money or equipment"},
         {"code": "criminal_history", "label": "Criminal history"}
       ]}
    ],
    "freeText": [
      {"code": "protective", "label": "Protective factors and strengths"},
      {"code": "other", "label": "Anything else that matters"}
    ]
  }'::jsonb, true)
ON CONFLICT (code, version) DO NOTHING;
--> statement-breakpoint
-- The explanation to a referrer when a referral does not meet the threshold. Staff edit these; e-mails must not name
-- anyone (the reference is enough), so the wording stays general and the officer adds only what is safe to send.
INSERT INTO letter_templates (code, audience, title, subject, body) VALUES
  ('not-met-public', 'public', 'Not taken forward: member of the public',
   'Your Prevent referral {{reference}}',
   'Thank you for telling us about your concern (reference {{reference}}).

A Prevent officer has looked carefully at what you told us, together with other information available to us. We have decided that the concern does not need support through Prevent at this time.

{{reasons}}

This does not mean you were wrong to tell us. If you are worried again, or something changes, please contact us again.

{{signposting}}

If you think someone is in immediate danger, call 999. To report suspicious activity in confidence, call the Anti-Terrorist Hotline on 0800 789 321.'),
  ('not-met-professional', 'professional', 'Not taken forward: professional referrer',
   'Prevent referral {{reference}}: outcome',
   'Thank you for your referral (reference {{reference}}).

The Prevent team has reviewed it, with the checks we made, and decided that it does not meet the threshold for Prevent support at this time.

{{reasons}}

{{signposting}}

Please keep following your own organisation''s safeguarding procedures. If new information comes to light, or the concern grows, refer again or contact us for advice; a new referral will be read together with this one.')
ON CONFLICT (code) DO NOTHING;
