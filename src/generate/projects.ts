/**
 * The wikis the generator sends traffic to, with their hosts, their share of traffic and their titles.
 */

import { english, french, german, japanese } from "./lexicons.ts";
import { ZipfSampler } from "./random.ts";
import {
  commonsComposer,
  type HeadTitle,
  type TitleComposer,
  TitleSpace,
  wikidataComposer,
  wikipediaComposer,
  wiktionaryComposer,
} from "./titles.ts";

export interface Project {
  /** Short name used in logs and tests: `en.wikipedia`. */
  readonly name: string;
  readonly desktopHost: string;
  readonly mobileHost: string;
  /** Wikipedias only: the mobile apps read these. */
  readonly hasApp: boolean;
  /** The language of the wiki, as a primary language subtag (`ja`); drives who reads it. */
  readonly language: string;
  readonly titles: TitleSpace;
  readonly popularity: ZipfSampler;
  /** Path prefix of media files on upload.wikimedia.org. */
  readonly uploadPrefix: string;
}

/** Marks a title outside the main namespace: `ns(4, "Wikipedia:Hauptseite")`. */
function ns(namespace: number, title: string): HeadTitle {
  return { title, ns: namespace };
}

function heads(titles: readonly (string | HeadTitle)[]): HeadTitle[] {
  return titles.map((t) => (typeof t === "string" ? { title: t, ns: 0 } : t));
}

interface ProjectDefinition {
  name: string;
  desktopHost: string;
  mobileHost: string;
  hasApp: boolean;
  language: string;
  head: HeadTitle[];
  composer: TitleComposer;
  zipfExponent: number;
  uploadPrefix: string;
}

function project(key: number, d: ProjectDefinition): Project {
  const titles = new TitleSpace(key, d.head, d.composer);
  return {
    name: d.name,
    desktopHost: d.desktopHost,
    mobileHost: d.mobileHost,
    hasApp: d.hasApp,
    language: d.language,
    titles,
    popularity: new ZipfSampler(titles.size, d.zipfExponent),
    uploadPrefix: d.uploadPrefix,
  };
}

export const enWikipedia = project(1, {
  name: "en.wikipedia",
  desktopHost: "en.wikipedia.org",
  mobileHost: "en.m.wikipedia.org",
  hasApp: true,
  language: "en",
  head: heads([
    "Main_Page",
    "Deaths_in_2026",
    "AC/DC",
    "Taylor_Swift",
    "Pokémon",
    "ChatGPT",
    "United_States",
    "Cristiano_Ronaldo",
    "The_Beatles",
    "Björk",
    "World_War_II",
    "Beyoncé",
    "AT&T",
    "C++",
    "São_Paulo",
    "Mötley_Crüe",
    "Jeopardy!",
    "Fast_&_Furious",
    "Hôtel_de_Ville,_Paris",
    "OS/2",
    "Who_Framed_Roger_Rabbit",
    "50/50_(2011_film)",
    "Zürich",
    "Albert_Einstein",
    "Ukraine",
  ]),
  composer: wikipediaComposer(english, 2_000_000),
  zipfExponent: 1,
  uploadPrefix: "/wikipedia/commons",
});

export const deWikipedia = project(2, {
  name: "de.wikipedia",
  desktopHost: "de.wikipedia.org",
  mobileHost: "de.m.wikipedia.org",
  hasApp: true,
  language: "de",
  head: heads([
    ns(4, "Wikipedia:Hauptseite"),
    "Deutschland",
    "AC/DC",
    "Köln",
    "München",
    "Österreich",
    "Johann_Wolfgang_von_Goethe",
    "Fußball-Bundesliga",
    "Zweiter_Weltkrieg",
    "Liste_der_Biografien/Mü",
    "Düsseldorf",
    "Tatort_(Fernsehreihe)",
    "Straßenbahn_Zürich",
    "Bündnis_90/Die_Grünen",
    "Nekrolog_2026",
  ]),
  composer: wikipediaComposer(german, 1_200_000),
  zipfExponent: 1,
  uploadPrefix: "/wikipedia/commons",
});

export const frWikipedia = project(3, {
  name: "fr.wikipedia",
  desktopHost: "fr.wikipedia.org",
  mobileHost: "fr.m.wikipedia.org",
  hasApp: true,
  language: "fr",
  head: heads([
    ns(4, "Wikipédia:Accueil_principal"),
    "France",
    "Emmanuel_Macron",
    "Paris",
    "Île-de-France",
    "Victor_Hugo",
    "Napoléon_Ier",
    "Édith_Piaf",
    "Kylian_Mbappé",
    "Seconde_Guerre_mondiale",
    "Québec",
    "AC/DC",
    "Réseau_express_régional_d'Île-de-France",
    "Molière",
    "Zinédine_Zidane",
  ]),
  composer: wikipediaComposer(french, 1_200_000),
  zipfExponent: 1,
  uploadPrefix: "/wikipedia/commons",
});

export const jaWikipedia = project(4, {
  name: "ja.wikipedia",
  desktopHost: "ja.wikipedia.org",
  mobileHost: "ja.m.wikipedia.org",
  hasApp: true,
  language: "ja",
  head: heads([
    "メインページ",
    "日本",
    "大谷翔平",
    "ポケットモンスター",
    "東京都",
    "織田信長",
    "徳川家康",
    "進撃の巨人",
    "鬼滅の刃",
    "Fate/stay_night",
    "ONE_PIECE",
    "宮崎駿",
    "富士山",
    "第二次世界大戦",
    "AC/DC",
  ]),
  composer: wikipediaComposer(japanese, 1_200_000),
  zipfExponent: 1,
  uploadPrefix: "/wikipedia/commons",
});

export const enWiktionary = project(5, {
  name: "en.wiktionary",
  desktopHost: "en.wiktionary.org",
  mobileHost: "en.m.wiktionary.org",
  hasApp: false,
  language: "en",
  head: heads([
    ns(4, "Wiktionary:Main_Page"),
    "the",
    "set",
    "run",
    "house",
    "cat",
    "water",
    "and/or",
    "24/7",
    "Haus",
    "café",
    "naïve",
    "犬",
    "über",
  ]),
  composer: wiktionaryComposer(1_000_000),
  zipfExponent: 0.95,
  uploadPrefix: "/wiktionary/en",
});

export const commons = project(6, {
  name: "commons.wikimedia",
  desktopHost: "commons.wikimedia.org",
  mobileHost: "commons.m.wikimedia.org",
  hasApp: false,
  language: "en",
  head: heads([
    "Main_Page",
    ns(6, "File:Example.jpg"),
    ns(6, "File:Mona_Lisa,_by_Leonardo_da_Vinci,_from_C2RMF_retouched.jpg"),
    ns(14, "Category:Images"),
    ns(4, "Commons:Welcome"),
  ]),
  composer: commonsComposer(english, 1_000_000),
  zipfExponent: 0.9,
  uploadPrefix: "/wikipedia/commons",
});

export const wikidata = project(7, {
  name: "wikidata",
  desktopHost: "www.wikidata.org",
  mobileHost: "m.wikidata.org",
  hasApp: false,
  language: "en",
  head: heads([
    ns(4, "Wikidata:Main_Page"),
    ns(120, "Property:P31"),
    ns(120, "Property:P279"),
    ns(120, "Property:P569"),
  ]),
  composer: wikidataComposer(100_000_000),
  zipfExponent: 0.8,
  uploadPrefix: "/wikipedia/commons",
});

export const projects: readonly Project[] = [
  enWikipedia,
  deWikipedia,
  frWikipedia,
  jaWikipedia,
  enWiktionary,
  commons,
  wikidata,
];
