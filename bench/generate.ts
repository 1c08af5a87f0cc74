/**
 * `npm run bench:generate -- --count 1000000`: loads realistic referrals into the benchmark's own PostgreSQL database
 * (BENCH_POSTGRES_URL, database BENCH_DATABASE, default `prevent_bench_matching`, dropped and re-created), for the
 * earlier-referral check's benchmark (bench/matching.ts, ADR 0016).
 *
 * People are drawn from the communities a Cumbrian Prevent team hears about (British, Irish, Polish, Romanian, South
 * Asian, Arabic, Chinese, Somali, Eritrean, Nigerian, Kurdish…) with the spellings transliteration produces; dates of
 * birth weighted to 10–25 year olds; Cumbrian postcodes (CA and LA districts) and some from elsewhere; and about 6% of
 * referrals are repeats of an earlier person, written down differently (another spelling, names swapped, a typo in the
 * date of birth, a new address). Everything is generated inside PostgreSQL (INSERT … SELECT over generate_series and
 * arrays): no rows cross the network. The matching indexes are dropped for the load and built once at the end.
 */
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { recreateDatabase } from './lib/fixtures.js';

const env = process.env;
const ADMIN_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = env.BENCH_DATABASE ?? 'prevent_bench_matching';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const COUNT = argument('count', 1_000_000);
const BATCH = 100_000;
const REPEAT_SHARE = 0.06;

/** One community: its weight among referrals, given names (male, female) and family names, commonest first. */
interface Culture {
  name: string;
  weight: number;
  male: string[];
  female: string[];
  family: string[];
  /** Family name first, in some of the referrals (as the person or the referrer wrote it). */
  familyFirst?: number;
}

const CULTURES: Culture[] = [
  {
    name: 'British',
    weight: 52,
    male: [
      'Jack',
      'Oliver',
      'Harry',
      'Charlie',
      'Thomas',
      'James',
      'George',
      'William',
      'Jacob',
      'Joshua',
      'Daniel',
      'Liam',
      'Ryan',
      'Kyle',
      'Callum',
      'Lewis',
      'Connor',
      'Jordan',
      'Ethan',
      'Alfie',
      'Mason',
      'Tyler',
      'Bradley',
      'Jake',
      'Reece',
      'Kieran',
      'Nathan',
      'Owen',
      'Dylan',
      'Luke',
      'Aaron',
      'Scott',
      'Jamie',
      'Ben',
      'Sam',
      'Alex',
      'Jon',
      'John',
      'Jonathan',
      'Stephen',
      'Steven',
      'Michael',
      'Mark',
      'Paul',
      'Lee',
      'Craig',
      'Dean',
      'Gary',
      'Shaun',
      'Sean',
      'Shawn',
    ],
    female: [
      'Olivia',
      'Amelia',
      'Emily',
      'Isla',
      'Ava',
      'Jessica',
      'Chloe',
      'Sophie',
      'Lily',
      'Grace',
      'Ellie',
      'Megan',
      'Hannah',
      'Lauren',
      'Bethany',
      'Holly',
      'Abbie',
      'Abby',
      'Amy',
      'Rebecca',
      'Katie',
      'Kayleigh',
      'Kayley',
      'Leah',
      'Courtney',
      'Paige',
      'Jade',
      'Zoe',
      'Charlotte',
      'Rachel',
      'Sarah',
      'Sara',
      'Laura',
      'Emma',
      'Gemma',
      'Jemma',
    ],
    family: [
      'Smith',
      'Jones',
      'Taylor',
      'Brown',
      'Williams',
      'Wilson',
      'Johnson',
      'Davies',
      'Robinson',
      'Wright',
      'Thompson',
      'Evans',
      'Walker',
      'White',
      'Roberts',
      'Green',
      'Hall',
      'Wood',
      'Jackson',
      'Clarke',
      'Clark',
      'Graham',
      'Armstrong',
      'Bell',
      'Nixon',
      'Routledge',
      'Irving',
      'Dixon',
      'Atkinson',
      'Jackson',
      'Harrison',
      'Hodgson',
      'Bowman',
      'Tyson',
      'Nicholson',
      'Story',
      'Little',
      'Elliott',
      'Elliot',
      'Forster',
      'Foster',
      'Richardson',
      'Hetherington',
      'Kirkbride',
      'Moffat',
      'Pattinson',
      'Scott',
      'Stephenson',
      'Thomson',
      'Thompson',
      'Smith-Jones',
      'Taylor-Wood',
      'Hall-Graham',
    ],
  },
  {
    name: 'Irish',
    weight: 5,
    male: [
      'Sean',
      'Seán',
      'Padraig',
      'Pádraig',
      'Ciaran',
      'Ciarán',
      'Cian',
      'Oisin',
      'Oisín',
      'Eoin',
      'Tadhg',
      'Darragh',
      'Conor',
      'Niall',
      'Colm',
      'Ronan',
    ],
    female: [
      'Siobhan',
      'Siobhán',
      'Shevaun',
      'Niamh',
      'Neve',
      'Aoife',
      'Caoimhe',
      'Saoirse',
      'Orla',
      'Orlaith',
      'Roisin',
      'Róisín',
      'Clodagh',
      'Sinead',
      'Sinéad',
      'Aisling',
    ],
    family: [
      "O'Brien",
      'OBrien',
      "O'Neill",
      'Murphy',
      'Kelly',
      'Byrne',
      'Ryan',
      "O'Sullivan",
      'Walsh',
      'McCarthy',
      'Doyle',
      'Gallagher',
      "O'Connor",
      'Quinn',
      'McLaughlin',
      'Fitzgerald',
    ],
  },
  {
    name: 'Polish',
    weight: 6,
    male: [
      'Jakub',
      'Kacper',
      'Szymon',
      'Filip',
      'Mateusz',
      'Michał',
      'Michal',
      'Bartosz',
      'Wojciech',
      'Łukasz',
      'Lukasz',
      'Piotr',
      'Paweł',
      'Pawel',
      'Krzysztof',
      'Tomasz',
    ],
    female: [
      'Zuzanna',
      'Julia',
      'Maja',
      'Zofia',
      'Hanna',
      'Lena',
      'Aleksandra',
      'Natalia',
      'Wiktoria',
      'Agnieszka',
      'Katarzyna',
      'Małgorzata',
      'Malgorzata',
    ],
    family: [
      'Nowak',
      'Kowalski',
      'Kowalska',
      'Wiśniewski',
      'Wisniewski',
      'Wójcik',
      'Wojcik',
      'Kowalczyk',
      'Kamiński',
      'Kaminski',
      'Lewandowski',
      'Zieliński',
      'Szymański',
      'Woźniak',
      'Dąbrowski',
      'Kozłowski',
    ],
  },
  {
    name: 'Romanian',
    weight: 4,
    male: [
      'Andrei',
      'Alexandru',
      'Ștefan',
      'Stefan',
      'Ion',
      'Mihai',
      'Gabriel',
      'Constantin',
      'Florin',
      'Marius',
      'Cristian',
      'Adrian',
      'Vasile',
    ],
    female: ['Maria', 'Elena', 'Ioana', 'Andreea', 'Alexandra', 'Ana', 'Gabriela', 'Mihaela', 'Cristina', 'Raluca'],
    family: [
      'Popescu',
      'Popa',
      'Pop',
      'Ionescu',
      'Radu',
      'Dumitru',
      'Stoica',
      'Stan',
      'Gheorghe',
      'Rusu',
      'Munteanu',
      'Matei',
      'Constantin',
      'Șerban',
      'Serban',
      'Lungu',
    ],
  },
  {
    name: 'South Asian',
    weight: 10,
    male: [
      'Mohammed',
      'Muhammad',
      'Mohamed',
      'Mohammad',
      'Mohd',
      'Ali',
      'Hassan',
      'Hussain',
      'Hussein',
      'Ahmed',
      'Ahmad',
      'Imran',
      'Bilal',
      'Usman',
      'Osman',
      'Zain',
      'Zayn',
      'Hamza',
      'Adnan',
      'Arjun',
      'Rahul',
      'Sanjay',
      'Harpreet',
      'Gurpreet',
      'Aman',
      'Rohan',
      'Abdul',
      'Abdullah',
    ],
    female: [
      'Fatima',
      'Fatimah',
      'Ayesha',
      'Aisha',
      'Aysha',
      'Zainab',
      'Zaynab',
      'Maryam',
      'Mariam',
      'Sana',
      'Hina',
      'Amina',
      'Aminah',
      'Priya',
      'Anjali',
      'Simran',
      'Nadia',
      'Nadiya',
      'Rukhsana',
    ],
    family: [
      'Khan',
      'Ahmed',
      'Ali',
      'Hussain',
      'Hussein',
      'Shah',
      'Begum',
      'Rahman',
      'Akhtar',
      'Iqbal',
      'Mahmood',
      'Mahmud',
      'Butt',
      'Patel',
      'Singh',
      'Kaur',
      'Sharma',
      'Chowdhury',
      'Choudhury',
      'Islam',
      'Uddin',
      'Miah',
      'Mia',
    ],
  },
  {
    name: 'Arabic',
    weight: 5,
    male: [
      'Yusuf',
      'Youssef',
      'Yousef',
      'Yousif',
      'Omar',
      'Umar',
      'Khalid',
      'Khaled',
      'Tariq',
      'Tarek',
      'Abdullah',
      'Abdallah',
      'Ibrahim',
      'Ebrahim',
      'Mustafa',
      'Mostafa',
      'Karim',
      'Kareem',
      'Hamid',
      'Hameed',
      'Mahmoud',
    ],
    female: [
      'Layla',
      'Leila',
      'Laila',
      'Noor',
      'Nour',
      'Nur',
      'Huda',
      'Hoda',
      'Rania',
      'Salma',
      'Yasmin',
      'Yasmine',
      'Jasmin',
      'Mariam',
      'Reem',
      'Rim',
      'Hanan',
    ],
    family: [
      'Al-Hassan',
      'Alhassan',
      'Al Hassan',
      'Haddad',
      'Khalil',
      'Mansour',
      'Mansur',
      'Nasser',
      'Nasir',
      'Saleh',
      'Salih',
      'Abdullah',
      'El-Sayed',
      'Elsayed',
      'Hamdan',
      'Aziz',
      'Farouk',
      'Faruq',
    ],
  },
  {
    name: 'Chinese',
    weight: 3,
    male: ['Wei', 'Jun', 'Hao', 'Jie', 'Lei', 'Ming', 'Tao', 'Yong', 'Chen', 'Zihao', 'Haoran'],
    female: ['Li', 'Mei', 'Xin', 'Yan', 'Ying', 'Jing', 'Xiaoling', 'Yu', 'Fang', 'Hui'],
    family: [
      'Wang',
      'Li',
      'Lee',
      'Zhang',
      'Chang',
      'Liu',
      'Chen',
      'Chan',
      'Yang',
      'Huang',
      'Wong',
      'Zhao',
      'Wu',
      'Ng',
      'Zhou',
      'Chow',
    ],
    familyFirst: 0.4,
  },
  {
    name: 'Somali',
    weight: 3,
    male: [
      'Abdi',
      'Abdirahman',
      'Abdirahmaan',
      'Mohamed',
      'Maxamed',
      'Ahmed',
      'Axmed',
      'Hassan',
      'Xasan',
      'Omar',
      'Cumar',
      'Farah',
      'Guled',
      'Liban',
    ],
    female: [
      'Hodan',
      'Hibo',
      'Fadumo',
      'Faduma',
      'Sahra',
      'Saxra',
      'Ayaan',
      'Ayan',
      'Ladan',
      'Nimco',
      'Nimo',
      'Istahil',
    ],
    family: [
      'Mohamed',
      'Ahmed',
      'Hassan',
      'Ali',
      'Warsame',
      'Abdi',
      'Farah',
      'Jama',
      'Osman',
      'Yusuf',
      'Nur',
      'Egal',
      'Aden',
      'Aadan',
    ],
  },
  {
    name: 'Eritrean',
    weight: 2,
    male: [
      'Tesfay',
      'Tesfaye',
      'Yonas',
      'Yohannes',
      'Yohanes',
      'Dawit',
      'Daniel',
      'Semere',
      'Filmon',
      'Mehari',
      'Kidane',
      'Berhane',
    ],
    female: ['Selam', 'Selamawit', 'Helen', 'Senait', 'Saba', 'Yordanos', 'Ruta', 'Rahwa', 'Luwam', 'Winta'],
    family: [
      'Gebremariam',
      'Gebre',
      'Tesfamariam',
      'Haile',
      'Tekle',
      'Tekleab',
      'Ghebreyesus',
      'Gebreyesus',
      'Berhe',
      'Kidane',
      'Mehari',
      'Woldu',
      'Habte',
    ],
  },
  {
    name: 'Nigerian',
    weight: 3,
    male: [
      'Chinedu',
      'Emeka',
      'Oluwaseun',
      'Seun',
      'Tunde',
      'Babatunde',
      'Ifeanyi',
      'Chukwuemeka',
      'Adebayo',
      'Femi',
      'Olufemi',
      'Kelechi',
      'Obinna',
    ],
    female: [
      'Chiamaka',
      'Ngozi',
      'Adaeze',
      'Funmilayo',
      'Funmi',
      'Oluwakemi',
      'Kemi',
      'Blessing',
      'Chioma',
      'Ifeoma',
      'Temitope',
      'Tope',
    ],
    family: [
      'Okafor',
      'Okonkwo',
      'Adeyemi',
      'Adebayo',
      'Ogunleye',
      'Eze',
      'Nwosu',
      'Balogun',
      'Okeke',
      'Olawale',
      'Ibrahim',
      'Bello',
      'Oyelaran',
    ],
  },
  {
    name: 'Kurdish',
    weight: 2,
    male: [
      'Karwan',
      'Rebwar',
      'Hawre',
      'Hêmin',
      'Hemin',
      'Aram',
      'Dilshad',
      'Shwan',
      'Baran',
      'Azad',
      'Kawa',
      'Serhat',
    ],
    female: ['Shirin', 'Shereen', 'Nazdar', 'Zhila', 'Jila', 'Avin', 'Berivan', 'Rojin', 'Dilan', 'Hêvî', 'Hevi'],
    family: [
      'Ahmadi',
      'Karimi',
      'Rasul',
      'Rasoul',
      'Mahmud',
      'Hama',
      'Qadir',
      'Kadir',
      'Barzani',
      'Talabani',
      'Aziz',
      'Jaff',
      'Abdulrahman',
    ],
  },
  {
    name: 'Other European',
    weight: 5,
    male: [
      'Aleksandr',
      'Alexander',
      'Oleksandr',
      'Dmitri',
      'Dmitry',
      'Andrius',
      'Mindaugas',
      'Jānis',
      'Janis',
      'Luca',
      'Marco',
      'João',
      'Joao',
      'Tiago',
      'Mehmet',
      'Emre',
    ],
    female: [
      'Anastasia',
      'Olga',
      'Oksana',
      'Irina',
      'Iryna',
      'Rūta',
      'Ruta',
      'Giulia',
      'Ana',
      'Inês',
      'Ines',
      'Elif',
      'Zeynep',
    ],
    family: [
      'Petrov',
      'Petrova',
      'Ivanov',
      'Kovalenko',
      'Shevchenko',
      'Kazlauskas',
      'Bērziņš',
      'Berzins',
      'Rossi',
      'Silva',
      'Santos',
      'Yılmaz',
      'Yilmaz',
      'Kaya',
      'Demir',
    ],
  },
];

/** Postcode districts: Cumbria's (CA, LA) with their towns, then some from elsewhere. */
const DISTRICTS: [string, string, number][] = [
  ['CA1', 'Carlisle', 8],
  ['CA2', 'Carlisle', 8],
  ['CA3', 'Carlisle', 6],
  ['CA4', 'Carlisle', 2],
  ['CA5', 'Carlisle', 1],
  ['CA6', 'Carlisle', 2],
  ['CA7', 'Wigton', 2],
  ['CA8', 'Brampton', 1],
  ['CA10', 'Penrith', 1],
  ['CA11', 'Penrith', 3],
  ['CA12', 'Keswick', 1],
  ['CA13', 'Cockermouth', 2],
  ['CA14', 'Workington', 5],
  ['CA15', 'Maryport', 2],
  ['CA16', 'Appleby-in-Westmorland', 1],
  ['CA17', 'Kirkby Stephen', 1],
  ['CA18', 'Ravenglass', 1],
  ['CA20', 'Seascale', 1],
  ['CA22', 'Egremont', 1],
  ['CA25', 'Cleator Moor', 1],
  ['CA26', 'Frizington', 1],
  ['CA28', 'Whitehaven', 5],
  ['LA7', 'Milnthorpe', 1],
  ['LA8', 'Kendal', 1],
  ['LA9', 'Kendal', 4],
  ['LA10', 'Sedbergh', 1],
  ['LA11', 'Grange-over-Sands', 1],
  ['LA12', 'Ulverston', 2],
  ['LA13', 'Barrow-in-Furness', 3],
  ['LA14', 'Barrow-in-Furness', 5],
  ['LA15', 'Dalton-in-Furness', 1],
  ['LA16', 'Askam-in-Furness', 1],
  ['LA18', 'Millom', 1],
  ['LA22', 'Ambleside', 1],
  ['LA23', 'Windermere', 1],
  ['M8', 'Manchester', 1],
  ['M14', 'Manchester', 1],
  ['LS7', 'Leeds', 1],
  ['BD3', 'Bradford', 1],
  ['NE4', 'Newcastle upon Tyne', 1],
  ['DG1', 'Dumfries', 1],
  ['G31', 'Glasgow', 1],
  ['L8', 'Liverpool', 1],
  ['B10', 'Birmingham', 1],
  ['PR1', 'Preston', 1],
];

const STREETS = [
  'Botchergate',
  'London Road',
  'Warwick Road',
  'Scotland Road',
  'Dalston Road',
  'Wigton Road',
  'Newtown Road',
  'Lowther Street',
  'Harrington Road',
  'Vulcans Lane',
  'Lowther Street',
  'Duke Street',
  'Queen Street',
  'Abbey Road',
  'Dalton Road',
  'Rawlinson Street',
  'Stricklandgate',
  'Highgate',
  'Castle Street',
  'Station Road',
  'Church Street',
  'Market Place',
  'Main Street',
  'Victoria Road',
  'Greystone Road',
  'Brunswick Road',
  'Raffles Avenue',
  'Moorclose Road',
  'Crummock Street',
  'Hensingham Road',
];

const CONCERNS = [
  'Has been sharing extremist videos with classmates and says the attacks were justified.',
  'Spends long hours on forums where people talk about a coming race war; has started using their language.',
  'Told a youth worker that people like his neighbours should be made to leave the country.',
  'Posted a flag of a proscribed group on social media and defended it when asked.',
  'Has become withdrawn, stopped seeing friends and is talking to older men online about travelling abroad.',
  'Searched for how to make weapons on a school computer; says it was a joke.',
  'Family worried about new friends who pressure him to reject everyone outside their group.',
  'Drew swastikas in exercise books and made threats to a teacher of a different faith.',
  'Talks about mass shootings with admiration and collects material about the attackers.',
  'Was heard repeating conspiracy theories about a minority group and planning to "do something about it".',
  'Has been groomed online by someone encouraging her to cut off her family.',
  'Shared a manifesto in a group chat and asked others what they thought of it.',
];

const DOMAINS = [
  'school.cumbria.sch.uk',
  'cumbria.nhs.uk',
  'westmorlandandfurness.gov.uk',
  'cumberland.gov.uk',
  'example.org',
];

function poolSql(): { text: string; values: unknown[] } {
  let lo = 0;
  const total = CULTURES.reduce((s, c) => s + c.weight, 0);
  const rows = CULTURES.map((c) => {
    const row = { lo: lo / total, hi: (lo + c.weight) / total, ...c };
    lo += c.weight;
    return row;
  });
  return {
    text: `INSERT INTO gen_culture (lo, hi, male, female, family, family_first)
      SELECT * FROM json_to_recordset($1::json) AS x(lo float8, hi float8, male text[], female text[], family text[], family_first float8)`,
    values: [
      JSON.stringify(
        rows.map((r) => ({
          lo: r.lo,
          hi: r.hi === 1 ? 1.0000001 : r.hi,
          male: r.male,
          female: r.female,
          family: r.family,
          family_first: r.familyFirst ?? 0,
        })),
      ),
    ],
  };
}

function districtsSql(): { text: string; values: unknown[] } {
  let lo = 0;
  const total = DISTRICTS.reduce((s, d) => s + d[2], 0);
  const rows = DISTRICTS.map(([district, town, w]) => {
    const row = { lo: lo / total, hi: (lo + w) / total, district, town };
    lo += w;
    return row;
  });
  rows[rows.length - 1]!.hi = 1.0000001;
  return {
    text: `INSERT INTO gen_district SELECT * FROM json_to_recordset($1::json) AS x(lo float8, hi float8, district text, town text)`,
    values: [JSON.stringify(rows)],
  };
}

/** The matching indexes (migration 0008), dropped for the load and made again at the end. */
const MATCH_INDEXES = [
  'CREATE INDEX "referrals_other_names_key_trgm_idx" ON "referrals" USING gin (public.prevent_name_key("person_other_names") public.gin_trgm_ops) WHERE "person_other_names" IS NOT NULL',
  'CREATE INDEX "referrals_name_pair_dob_idx" ON "referrals" USING btree (public.prevent_name_pair("person_full_name"), "person_dob")',
  'CREATE INDEX "referrals_person_dob_idx" ON "referrals" USING btree ("person_dob") WHERE "person_dob" IS NOT NULL',
  'CREATE INDEX "referrals_postcode_key_idx" ON "referrals" USING btree (public.prevent_postcode_key("person_postcode")) WHERE "person_postcode" IS NOT NULL',
];
const indexName = (ddl: string) => /INDEX "([^"]+)"/.exec(ddl)![1]!;

/** The reference for the n-th row: a bijection of n onto the 31^8 references, so they look random and never repeat. */
const REFERENCE_FUNCTION = `CREATE FUNCTION pg_temp.ref(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', (((n * 1000003 + 7777777) % 852891037441) / (31::bigint ^ k)::bigint % 31)::int + 1, 1), '' ORDER BY k DESC)
  FROM generate_series(0, 7) AS k $$`;

/**
 * Target dates (migration 0009 sets them with a row trigger that counts working days one by one): for the bulk load
 * the trigger is disabled and each referral's date is looked up in a calendar computed once with the same function.
 */
const DUE_CALENDAR = [
  `CREATE TEMP TABLE gen_due AS
     SELECT d::date AS day, public.prevent_add_working_days(d::date,
       coalesce((SELECT target_working_days FROM triage_settings WHERE id), 5)) AS due
     FROM generate_series(current_date - 3700, current_date + 1, interval '1 day') AS d`,
  `ALTER TABLE gen_due ADD PRIMARY KEY (day)`,
  `CREATE FUNCTION pg_temp.due(t timestamptz) RETURNS date LANGUAGE sql STABLE AS $$
     SELECT due FROM gen_due WHERE day = (t AT TIME ZONE 'Europe/London')::date $$`,
  `ALTER TABLE referrals DISABLE TRIGGER referrals_due_on`,
];

/** One batch of new people: rows first..last. */
const PEOPLE_SQL = `
WITH g AS (
  SELECT i, random() AS rc, random() AS rg, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
         random() AS r5, random() AS r6, random() AS r7, random() AS r8, random() AS r9,
         now() - random() * interval '3650 days' AS received_at
  FROM generate_series($1::bigint, $2::bigint) AS i
), p AS (
  SELECT g.*, c.*, d.district, d.town,
    CASE WHEN g.rg < 0.62 THEN c.male[1 + floor(power(g.r1, 1.4) * cardinality(c.male))::int]
         ELSE c.female[1 + floor(power(g.r1, 1.4) * cardinality(c.female))::int] END AS given,
    c.family[1 + floor(power(g.r2, 1.5) * cardinality(c.family))::int] AS family_name,
    -- Age when referred: mostly 10 to 25, some adults.
    CASE WHEN g.r3 < 0.85 THEN 10 + floor(power(g.r4, 1.2) * 16)::int ELSE 26 + floor(g.r4 * 40)::int END AS age
  FROM g
  JOIN gen_culture c ON g.rc >= c.lo AND g.rc < c.hi
  JOIN gen_district d ON g.r5 >= d.lo AND g.r5 < d.hi
)
INSERT INTO referrals (reference, source, status, received_at, person_full_name, person_other_names, person_dob,
  person_age_approx, person_gender, person_address_known, person_address_line1, person_town, person_county, person_postcode,
  concern_text, concern_violence, person_aware, referrer_type, referrer_anonymous, referrer_name, referrer_organisation,
  referrer_email, referrer_phone, answers, is_repeat, due_on, state_changed_at)
SELECT pg_temp.ref(i),
  (ARRAY['email', 'phone', 'post'])[1 + floor(r6 * 3)::int],
  CASE WHEN received_at > now() - interval '20 days' THEN 'new' ELSE 'decided' END,
  received_at,
  CASE WHEN r7 < family_first THEN family_name || ' ' || given ELSE given || ' ' || family_name END,
  CASE WHEN r8 < 0.06 THEN given || ' ' || family_name || ' ' || CASE WHEN rg < 0.62 THEN male[1 + floor(r9 * cardinality(male))::int] ELSE female[1 + floor(r9 * cardinality(female))::int] END
       WHEN r8 < 0.09 THEN left(given, 3) || ' ' || family_name END,
  CASE WHEN r3 < 0.8 OR r3 >= 0.85 THEN (received_at - make_interval(years => age, days => floor(r9 * 365)::int))::date END,
  CASE WHEN r3 >= 0.8 AND r3 < 0.85 THEN age END,
  CASE WHEN rg < 0.62 THEN 'male' ELSE 'female' END,
  r6 < 0.9,
  CASE WHEN r6 < 0.9 THEN (1 + floor(r4 * 180)::int)::text || ' ' || ($3::text[])[1 + floor(r2 * cardinality($3::text[]))::int] END,
  CASE WHEN r6 < 0.9 THEN town END,
  CASE WHEN r6 < 0.9 AND (district LIKE 'CA%' OR district LIKE 'LA%') THEN 'Cumbria' END,
  CASE WHEN r6 < 0.9 THEN district || ' ' || (1 + floor(r7 * 9)::int)::text
       || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + floor(r8 * 20)::int, 1) || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + floor(r1 * 20)::int, 1) END,
  ($4::text[])[1 + floor(r9 * cardinality($4::text[]))::int],
  (ARRAY['no', 'no', 'unknown', 'yes'])[1 + floor(r5 * 4)::int],
  (ARRAY['no', 'yes', 'unknown'])[1 + floor(r4 * 3)::int],
  CASE WHEN r1 < 0.7 THEN 'professional' ELSE 'public' END,
  r1 >= 0.95,
  CASE WHEN r1 < 0.95 THEN 'Referrer ' || i END,
  CASE WHEN r1 < 0.7 THEN 'Agency ' || (i % 300) END,
  CASE WHEN r1 < 0.95 THEN 'referrer' || i || '@' || ($5::text[])[1 + floor(r2 * cardinality($5::text[]))::int] END,
  NULL,
  '{}'::jsonb,
  false,
  pg_temp.due(received_at),
  received_at
FROM p`;

/**
 * Repeats: about REPEAT_SHARE of the people referred again later, written down differently: another spelling or the
 * names swapped, a typo in the date of birth, sometimes a new address.
 */
const REPEATS_SQL = `
WITH src AS (
  SELECT r.*, row_number() OVER () AS n, random() AS a, random() AS b, random() AS c
  FROM referrals r TABLESAMPLE BERNOULLI ($1) WHERE r.received_at < now() - interval '30 days'
)
INSERT INTO referrals (reference, source, status, received_at, person_full_name, person_other_names, person_dob,
  person_age_approx, person_gender, person_address_known, person_address_line1, person_town, person_county, person_postcode,
  concern_text, concern_violence, person_aware, referrer_type, referrer_anonymous, referrer_name, referrer_organisation,
  referrer_email, referrer_phone, answers, is_repeat, due_on, state_changed_at)
SELECT pg_temp.ref($2 + n), source, 'new', received_at + (now() - received_at) * b,
  CASE WHEN a < 0.25 THEN split_part(person_full_name, ' ', 2) || ' ' || split_part(person_full_name, ' ', 1)
       WHEN a < 0.45 THEN regexp_replace(person_full_name, '^(Mohammed|Muhammad|Mohamed|Mohammad)', (ARRAY['Mohammed', 'Muhammad', 'Mohamed', 'Mohammad'])[1 + floor(c * 4)::int])
       WHEN a < 0.55 THEN replace(person_full_name, '-', ' ')
       WHEN a < 0.65 THEN upper(person_full_name)
       ELSE person_full_name END,
  person_other_names,
  CASE WHEN person_dob IS NULL THEN NULL
       WHEN b < 0.1 THEN person_dob + 1
       WHEN b < 0.15 AND extract(day FROM person_dob) <= 12
         THEN make_date(extract(year FROM person_dob)::int, extract(day FROM person_dob)::int, extract(month FROM person_dob)::int)
       ELSE person_dob END,
  person_age_approx, person_gender, person_address_known,
  CASE WHEN c < 0.3 THEN NULL ELSE person_address_line1 END, person_town, person_county,
  CASE WHEN c < 0.3 THEN NULL ELSE person_postcode END,
  concern_text, concern_violence, person_aware, referrer_type, referrer_anonymous, referrer_name, referrer_organisation,
  referrer_email, referrer_phone, '{}'::jsonb, false,
  pg_temp.due(received_at + (now() - received_at) * b), received_at + (now() - received_at) * b
FROM src WHERE n <= $3`;

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const databaseUrl = await recreateDatabase(ADMIN_URL, DB_NAME);
const migrated = await openDatabase({ databaseUrl, poolSize: 1 });
await migrated.close();
console.log(`database ${DB_NAME} created and migrated in ${seconds()} s`);

const client = new pg.Client({ connectionString: databaseUrl, application_name: 'prevent-bench-generate' });
await client.connect();
try {
  await client.query(`SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'`);
  for (const ddl of MATCH_INDEXES) await client.query(`DROP INDEX IF EXISTS "${indexName(ddl)}"`);
  await client.query(REFERENCE_FUNCTION);
  for (const statement of DUE_CALENDAR) await client.query(statement);
  await client.query(
    `CREATE TEMP TABLE gen_culture (lo float8, hi float8, male text[], female text[], family text[], family_first float8)`,
  );
  await client.query(`CREATE TEMP TABLE gen_district (lo float8, hi float8, district text, town text)`);
  const pool = poolSql();
  await client.query(pool.text, pool.values);
  const districts = districtsSql();
  await client.query(districts.text, districts.values);

  const repeats = Math.round(COUNT * REPEAT_SHARE);
  const people = COUNT - repeats;
  // The references first (a referral's reference must exist), all at once.
  await client.query(
    `INSERT INTO case_references (reference, kind) SELECT pg_temp.ref(i), 'referral' FROM generate_series(1, $1::bigint) AS i`,
    [COUNT],
  );
  console.log(`${COUNT.toLocaleString('en-GB')} references in ${seconds()} s`);
  for (let first = 1; first <= people; first += BATCH) {
    const last = Math.min(people, first + BATCH - 1);
    await client.query(PEOPLE_SQL, [first, last, STREETS, CONCERNS, DOMAINS]);
    console.log(`  people ${first.toLocaleString('en-GB')}–${last.toLocaleString('en-GB')} at ${seconds()} s`);
  }
  // Sample a little more than needed, keep exactly `repeats`.
  const percent = Math.min(100, ((repeats * 1.3) / people) * 100);
  const added = await client.query(REPEATS_SQL, [percent, people, repeats]);
  console.log(`${added.rowCount?.toLocaleString('en-GB')} repeat referrals at ${seconds()} s`);
  // Unused references (if the sample came up short) are harmless: a reference is never reused anyway.
  await client.query('ALTER TABLE referrals ENABLE TRIGGER referrals_due_on');
  for (const ddl of MATCH_INDEXES) {
    const t = Date.now();
    await client.query(ddl);
    console.log(`  ${indexName(ddl)} built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  await client.query('VACUUM ANALYZE referrals');
  await client.query('VACUUM ANALYZE case_references');
  const [{ n }] = (await client.query<{ n: string }>('SELECT count(*)::text AS n FROM referrals')).rows as [
    { n: string },
  ];
  console.log(
    `${Number(n).toLocaleString('en-GB')} referrals loaded into ${DB_NAME} in ${seconds()} s (target: under 300 s)`,
  );
} finally {
  // Whatever happened, the database is left with its trigger on (a failed load must not leave it off).
  await client.query('ALTER TABLE referrals ENABLE TRIGGER referrals_due_on').catch(() => undefined);
  await client.end();
}
