/**
 * Word lists from which article titles are composed, one lexicon per wiki language. A title is a
 * template filled with words (a person's name, a place name, "Battle of <place>", ...), so a few hundred
 * words per language yield well over a million distinct, real-looking titles. Lists must not repeat a
 * word: titles.ts relies on that to keep distinct ranks on distinct titles.
 */

/** Splits a whitespace-separated word list; `_` inside a word stands for a space, as in titles. */
function words(list: string): readonly string[] {
  return list.trim().split(/\s+/u);
}

export interface Lexicon {
  /** Person names: given + initial + surname + qualifier, or surname + given in `family-first` order. */
  readonly person: {
    readonly order: "given-first" | "family-first";
    readonly given: readonly string[];
    readonly family: readonly string[];
    /** Middle initials (given-first names only); an empty list means none. */
    readonly initials: readonly string[];
    /** Disambiguators such as `_(footballer)`; must contain "" once. */
    readonly qualifiers: readonly string[];
  };
  /** Place names: modifier + stem + suffix, in a region. */
  readonly place: {
    readonly modifiers: readonly string[];
    readonly stems: readonly string[];
    readonly suffixes: readonly string[];
    /** `comma`: "Ashford,_Kent"; `paren`: "Altdorf_(Bayern)". */
    readonly regionStyle: "comma" | "paren";
    readonly regions: readonly string[];
  };
  /** Templates around a place name (`{p}`): "Battle_of_{p}", "{p}_railway_station". */
  readonly placeTopics: readonly string[];
  /** Titles of works: head + tail (+ qualifier), e.g. "Silent_river_(film)". */
  readonly works: {
    readonly heads: readonly string[];
    readonly tails: readonly string[];
    readonly joiner: string;
    readonly qualifiers: readonly string[];
  };
  /** Templates around a year: `{y}` the year, `{y1}` the next year, `{yy}` its last two digits. */
  readonly yearTopics: readonly string[];
}

const englishPlaceStems = words(`
  Ash Brook Stone Oak Elm Wood Mill Bridge Green Fair Water Hart Lang Black White Red Thorn Ald Bar Bex
  Cal Dun Hol Kings Queens Rich Salt Shep Sut Wal Wick Win Wor Brad Chel Ches Dar Dor Ely Farn Glen Hay
  Ken Lea Mar Nor Pen Ros Sand Sef Stan Tam Tud Ux Ver War Wes Abing Bel Cor Hex
`);

export const english: Lexicon = {
  person: {
    order: "given-first",
    given: words(`
      James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
      Joseph Jessica Charles Karen Christopher Nancy Daniel Lisa Matthew Margaret Anthony Sandra Mark
      Ashley Donald Emily Steven Donna Paul Michelle Andrew Carol Joshua Amanda Kenneth Melissa Kevin
      Deborah Brian Stephanie George Rebecca Edward Laura Ronald Helen Timothy Sharon José Zoë Søren Björn
      François Chloé Renée André
    `),
    family: words(`
      Smith Johnson Williams Brown Jones Miller Davis García Rodríguez Wilson Martínez Anderson Thomas
      Hernández Moore Martin Jackson Thompson White López Lee González Harris Clark Lewis Robinson Walker
      Pérez Hall Young Allen Sánchez Wright King Scott Baker Adams Nelson Hill Ramírez Campbell Mitchell
      Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Flores Morris Nguyen
      Murphy Rivera Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Gómez Kelly Howard Ward Cox Díaz
      Richardson Watson Brooks Bennett Gray Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales
      Powell Sullivan Russell Ortiz Jenkins Gutiérrez Perry Butler Barnes Fisher Müller Dvořák Åström
      Kowalski Nowak O'Brien
    `),
    initials: words("A B C D E F G H J K L M N P R S T W"),
    qualifiers: [
      "",
      "_(footballer)",
      "_(politician)",
      "_(actor)",
      "_(actress)",
      "_(singer)",
      "_(author)",
      "_(painter)",
      "_(cricketer)",
      "_(musician)",
      "_(American_football)",
      "_(bishop)",
      "_(born_1962)",
      "_(judge)",
      "_(scientist)",
      "_(businessman)",
    ],
  },
  place: {
    modifiers: ["", "North_", "South_", "East_", "West_", "Upper_", "Great_", "Little_"],
    stems: englishPlaceStems,
    suffixes: words(`
      ford ton ham field ley bury wick stead worth bridge mouth port dale burn well brook minster by thorpe
      hurst combe chester borough land
    `),
    regionStyle: "comma",
    regions: words(`
      Kent Surrey Essex Ohio Texas Ontario Victoria Queensland Oregon Vermont Maine Iowa Virginia Georgia
      Alabama Montana Nebraska Wisconsin Michigan Indiana Illinois Missouri Kansas Utah Nevada Idaho
      Wyoming Alaska Delaware Manitoba Quebec Tasmania Devon Cornwall Dorset Norfolk Suffolk Yorkshire
      Lancashire New_South_Wales
    `),
  },
  placeTopics: words(`
    History_of_{p} Battle_of_{p} Siege_of_{p} Treaty_of_{p} Bishop_of_{p} Mayor_of_{p} {p}_railway_station
    {p}_Castle {p}_Town_F.C. {p}_High_School {p}_Cathedral {p}_Airport University_of_{p} Port_of_{p}
    {p}_Abbey {p}_Bridge {p}_River {p}_Town_Hall {p}_Park {p}_Museum Duke_of_{p} Earl_of_{p} Baron_{p}
    {p}_Academy {p}_Lighthouse {p}_Priory {p}_Manor {p}_Grammar_School {p}_United_F.C. {p}_Township
    Diocese_of_{p} Archdeacon_of_{p} {p}_Formation {p}_Stadium {p}_Reservoir {p}_Canal List_of_people_from_{p}
    List_of_churches_in_{p} List_of_schools_in_{p} Grade_II_listed_buildings_in_{p}
  `),
  works: {
    heads: words(`
      Silent Broken Golden Hidden Lost Ancient Dark Bright Crimson Frozen Wild Quiet Eternal Final Distant
      Secret Hollow Iron Silver Burning Rising Falling Endless Sacred Savage Lonely Electric Velvet Scarlet
      Gentle Restless Forgotten Painted Glass Paper Stolen Wandering Shattered Invisible Midnight Summer
      Winter Autumn Spring Morning Evening Little Last First Second Blue Black Green Purple Yellow Empty
      Perfect Strange Sweet Bitter Cold Hot Dead Living Young Old Broad Narrow Deep High
    `),
    tails: words(`
      river empire garden machine theory kingdom city island mountain forest ocean desert valley storm
      thunder shadow mirror window door road bridge tower castle palace temple harbor station engine
      rocket planet star moon sun sky cloud rain snow fire ice stone glass heart mind soul dream memory
      song dance game war peace love truth lie secret story legend myth hero villain king queen prince
      princess knight soldier doctor teacher stranger witness hunter horse wolf bear fox eagle raven
      serpent dragon tiger lion rose lily orchid oak pine willow harvest journey voyage escape return
      frontier border circle line signal code network system protocol paradox equation
    `),
    joiner: "_",
    qualifiers: [
      "",
      "_(film)",
      "_(album)",
      "_(song)",
      "_(band)",
      "_(novel)",
      "_(TV_series)",
      "_(video_game)",
      "_(play)",
      "_(opera)",
      "_(painting)",
      "_(EP)",
      "_(magazine)",
      "_(2019_film)",
      "_(1987_film)",
      "_(short_story)",
    ],
  },
  yearTopics: words(`
    {y}_in_music {y}_in_film {y}_in_science {y}_in_aviation {y}_in_rail_transport {y}_in_art
    {y}_in_literature {y}_in_sports {y}_in_architecture {y}_in_television {y}_in_baseball
    {y}_in_association_football {y}_in_the_United_Kingdom {y}_in_the_United_States {y}_in_Canada
    {y}_in_Australia {y}_in_India {y}_in_Japan {y}_in_Germany {y}_in_France {y}_in_poetry {y}_in_radio
    {y}_in_paleontology {y}_in_spaceflight {y}_in_philosophy {y}_in_archaeology {y}_in_comics {y}_in_jazz
    {y}_in_country_music {y}_in_chess {y}_in_tennis {y}_in_golf {y}_in_boxing {y}_in_cricket
    {y}_United_States_elections {y}_FIFA_World_Cup {y}_Summer_Olympics {y}_Winter_Olympics
    {y}_Atlantic_hurricane_season {y}_Formula_One_World_Championship
  `),
};

export const german: Lexicon = {
  person: {
    order: "given-first",
    given: words(`
      Hans Peter Klaus Wolfgang Jürgen Dieter Günter Horst Uwe Karl Heinz Gerhard Helmut Manfred Bernd
      Stefan Michael Andreas Jörg Matthias Ralf Sven Tobias Lukas Jonas Maximilian Anna Maria Ursula
      Monika Petra Sabine Renate Helga Karin Brigitte Ingrid Erika Gisela Claudia Susanne Andrea Birgit
      Katrin Julia Lena Lea Sophie Hannah Jana Käthe Friedrich Wilhelm Ludwig Otto Ernst Rudolf Hermann
      Georg Heinrich
    `),
    family: words(`
      Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer
      Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt
      Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber
      Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Keller Günther Frank Berger
      Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Böhm Winter Kraus Martin Schumacher
      Krämer Vogt Stein Jäger Sommer Groß Seidel Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn
      Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer
    `),
    initials: words("A B C D E F G H J K L M P R S T W"),
    qualifiers: [
      "",
      "_(Politiker)",
      "_(Fußballspieler)",
      "_(Schauspieler)",
      "_(Schauspielerin)",
      "_(Sänger)",
      "_(Schriftsteller)",
      "_(Maler)",
      "_(Komponist)",
      "_(Architekt)",
      "_(Mediziner)",
      "_(Physiker)",
      "_(Historiker)",
      "_(Unternehmer)",
      "_(Bischof)",
      "_(Radrennfahrer)",
    ],
  },
  place: {
    modifiers: ["", "Bad_", "Groß-", "Klein-", "Alt-", "Sankt_", "Markt_", "Hohen-"],
    stems: words(`
      Rosen Linden Eichen Buchen Birken Tannen Wald Berg Stein Sand Wiesen Brunn Mühl Kirch Schön Frei
      Hof Rot Weiß Lauf Hildes Arns Bern Gers Ditt Eber Els Fried Gelns Hermanns Ilm Kaisers Königs Lands
      Lichten Mergent Oster Pfaffen Rein Sonn Stauf Stral Uffen Wolfs Zell Ahr Blau Donau Eger Fürsten Grün
      Heiligen Lauen Münch Nord Ober Unter Nieder Alten Neuen
    `),
    suffixes: words(`
      hausen dorf heim berg burg bach feld stadt furt au hofen ingen beuren brück kirchen thal wald stein
      rode see hagen born leben bronn
    `),
    regionStyle: "paren",
    regions: words(`
      Bayern Hessen Sachsen Thüringen Brandenburg Niedersachsen Oberbayern Niederbayern Oberpfalz
      Oberfranken Mittelfranken Unterfranken Schwaben Württemberg Baden Pfalz Eifel Westfalen Ostfriesland
      Altmark Lausitz Vogtland Allgäu Harz Uckermark Prignitz Emsland Sauerland Hunsrück Odenwald Spessart
      Rhön Erzgebirge Breisgau Ortenau Kraichgau Wetterau Saarland Holstein Mecklenburg
    `),
  },
  placeTopics: words(`
    Bahnhof_{p} Schloss_{p} Burg_{p} Kloster_{p} Geschichte_von_{p} Bistum_{p} Amt_{p} Landkreis_{p}
    Flughafen_{p} Gymnasium_{p} Stadtkirche_{p} Rathaus_{p} Schlacht_bei_{p} Friede_von_{p} Grafschaft_{p}
    Herrschaft_{p} Synagoge_{p} Jüdischer_Friedhof_{p} Wasserturm_{p} Sender_{p} Talsperre_{p} Zeche_{p}
    Grube_{p} Dorfkirche_{p} Marktplatz_{p} Stadtmauer_{p} SV_{p} FC_{p} TSV_{p} VfB_{p} {p}_Hauptbahnhof
    Stadtbibliothek_{p} Universität_{p} Amtsgericht_{p} Evangelische_Kirche_{p} Burgstall_{p}
    Liste_der_Baudenkmäler_in_{p} Liste_der_Stolpersteine_in_{p} Liste_der_Straßen_in_{p}
    Liste_von_Persönlichkeiten_aus_{p}
  `),
  works: {
    heads: words(`
      Roter Schwarzer Weißer Grüner Blauer Goldener Alter Junger Großer Kleiner Neuer Stiller Wilder Dunkler
      Heller Kalter Warmer Letzter Erster Tiefer Hoher Langer Kurzer Stummer Blinder Falscher Wahrer Fremder
      Einsamer Müder Böser Guter Schöner Starker Leiser Lauter Süßer Bitterer Gläserner Eiserner Silberner
      Steinerner Hölzerner Verlorener Vergessener Verborgener Heiliger Ewiger Toter Lebender
    `),
    tails: words(`
      Adler Berg Fluss Mann Wald Turm Weg Stern Mond Himmel Garten Wolf Bär Fuchs Hirsch Ritter König
      Kaiser Prinz Graf Sturm Wind Regen Schnee Sommer Winter Frühling Herbst Traum Tanz Ring Schatz Brief
      Spiegel Schlüssel Baum Stein Engel Teufel Vogel Fisch Drache Löwe Tiger Hund Kater Hahn Schwan Rabe
      Falke Soldat Bauer Jäger Fischer Zauberer Gast Freund Feind Bruder Vater Sohn Onkel Nachbar Fremde
      Weg_nach_Hause Zug Hafen Markt Platz Palast Tempel Keller Brunnen Kreis Schatten Funke Blitz Donner
    `),
    joiner: "_",
    qualifiers: [
      "",
      "_(Film)",
      "_(Album)",
      "_(Lied)",
      "_(Band)",
      "_(Roman)",
      "_(Fernsehserie)",
      "_(Computerspiel)",
      "_(Oper)",
      "_(Gemälde)",
      "_(Zeitschrift)",
      "_(Film,_1958)",
      "_(Film,_2012)",
      "_(Schiff)",
      "_(Begriffsklärung)",
      "_(Zeitung)",
    ],
  },
  yearTopics: words(`
    {y} Nekrolog_{y} Musikjahr_{y} Filmjahr_{y} Literaturjahr_{y} Sportjahr_{y} Schachjahr_{y}
    Fußball-Bundesliga_{y}/{yy} Bundestagswahl_{y} Landtagswahl_in_Bayern_{y} Olympische_Sommerspiele_{y}
    Fußball-Weltmeisterschaft_{y} Tour_de_France_{y} Liste_der_Nummer-eins-Hits_in_Deutschland_({y})
  `),
};

export const french: Lexicon = {
  person: {
    order: "given-first",
    given: words(`
      Jean Pierre Michel André Philippe Louis René Alain Jacques Bernard Marcel Daniel Roger Robert Paul
      Claude Christian Henri Georges Nicolas François Patrick Gérard Christophe Joseph Julien Étienne
      Frédéric Benoît Thierry Marie Jeanne Françoise Monique Catherine Nathalie Isabelle Jacqueline Anne
      Sylvie Martine Madeleine Nicole Suzanne Hélène Christine Brigitte Louise Chantal Sophie Élodie Camille
      Léa Chloé Manon Inès Zoé Céline Aurélie Mathilde
    `),
    family: words(`
      Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy
      Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller
      Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia
      Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont
      Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard
      Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre
      Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet
      Rolland Guillaume Lecomte Dupuis
    `),
    initials: [],
    qualifiers: [
      "",
      "_(homme_politique)",
      "_(footballeur)",
      "_(acteur)",
      "_(actrice)",
      "_(chanteur)",
      "_(écrivain)",
      "_(peintre)",
      "_(compositeur)",
      "_(architecte)",
      "_(médecin)",
      "_(physicien)",
      "_(historien)",
      "_(évêque)",
      "_(cycliste)",
      "_(militaire)",
      "_(rugby_à_XV)",
      "_(photographe)",
      "_(sculpteur)",
      "_(résistant)",
      "_(journaliste)",
      "_(poète)",
      "_(graveur)",
      "_(prêtre)",
    ],
  },
  place: {
    modifiers: ["", "Saint-", "Sainte-", "Fort-", "Villeneuve-", "Bourg-", "Val-", "Pont-"],
    stems: words(`
      Mont Beau Ville Fontaine Roche Bois Champ Pont Cler Belle Mar Char Chaum Cour Dom Fleur Gour Jon Lan
      Lou Mai Mir Neuf Plessis Ran Riv Sain Sar Sen Tour Vau Ver Vic Vil Bour Brie Cha Che Cor Dam Fon Gre
      Hau Joi Lu Mau Mou Noy Pé Quen Ro Sau Ser Tré Val Vé Gué Bré Ché Lé
    `),
    suffixes: words(`
      ville court mont fort ac y ay eux ières oy ans ard ier ange ec ou ol as ignac ière al ès euil onne
    `),
    regionStyle: "paren",
    regions: words(`
      Ain Aisne Allier Ardèche Ardennes Ariège Aube Aude Aveyron Calvados Cantal Charente Cher Corrèze
      Creuse Dordogne Doubs Drôme Eure Finistère Gard Gers Gironde Hérault Indre Isère Jura Landes Loire
      Loiret Lot Lozère Manche Marne Mayenne Meuse Morbihan Moselle Nièvre Nord Oise Orne Sarthe Somme Tarn
      Var Vendée Vienne Vosges Yonne
    `),
  },
  placeTopics: words(`
    Gare_de_{p} Château_de_{p} Église_Saint-Martin_de_{p} Église_Notre-Dame_de_{p} Abbaye_de_{p}
    Bataille_de_{p} Siège_de_{p} Traité_de_{p} Histoire_de_{p} Canton_de_{p} Communauté_de_communes_de_{p}
    Liste_des_maires_de_{p} Liste_des_monuments_historiques_de_{p} Lycée_de_{p} Aérodrome_de_{p} Port_de_{p}
    Pont_de_{p} Forêt_de_{p} Lac_de_{p} Barrage_de_{p} Seigneurie_de_{p} Famille_de_{p} Diocèse_de_{p}
    Prieuré_de_{p} Tour_de_{p} Moulin_de_{p} Phare_de_{p} Stade_de_{p} Musée_de_{p} Hôtel_de_ville_de_{p}
    Cimetière_de_{p} Viaduc_de_{p} Tunnel_de_{p} Col_de_{p} Arrondissement_de_{p} Fort_de_{p}
    Collégiale_de_{p} Camp_de_{p} Écluse_de_{p} Chapelle_de_{p}
  `),
  works: {
    heads: words(`
      Chemin Jardin Soleil Silence Secret Voyage Rêve Destin Miroir Chant Vent Fleuve Royaume Empire Monde
      Cœur Temps Ciel Feu Sang Loup Lion Roi Prince Chevalier Soldat Navire Train Piano Violon Bal Baiser
      Masque Mystère Passage Pays Printemps Été Automne Hiver Jour Soir Matin Regard Sourire Cri Château
      Manoir Trésor Journal Livre
    `),
    tails: words(`
      rouge noir blanc bleu vert perdu oublié éternel dernier sauvage doré brisé caché sacré lointain
      ancien nouveau grand petit profond étrange silencieux invisible interdit maudit endormi enchanté
      mécanique électrique sombre clair froid brûlant fragile immobile inconnu obscur solitaire errant
      fantôme magnifique terrible parfait impossible lumineux vivant
    `),
    joiner: "_",
    qualifiers: [
      "",
      "_(film)",
      "_(album)",
      "_(chanson)",
      "_(groupe)",
      "_(roman)",
      "_(série_télévisée)",
      "_(jeu_vidéo)",
      "_(opéra)",
      "_(tableau)",
      "_(revue)",
      "_(film,_1958)",
      "_(film,_2012)",
      "_(navire)",
      "_(homonymie)",
      "_(journal)",
      "_(bande_dessinée)",
      "_(pièce_de_théâtre)",
      "_(téléfilm)",
      "_(ballet)",
    ],
  },
  yearTopics: words(`
    {y} {y}_en_France {y}_au_cinéma {y}_en_musique {y}_en_sport {y}_en_littérature {y}_en_science
    {y}_en_architecture {y}_en_Belgique {y}_au_Canada {y}_en_Suisse {y}_en_aéronautique
    {y}_à_la_télévision {y}_en_football Élections_municipales_de_{y} Tour_de_France_{y}
    Championnat_de_France_de_football_{y}-{y1} Jeux_olympiques_d'été_de_{y}
  `),
};

/** The 47 prefectures of Japan, used as place disambiguators: "青葉町_(宮城県)". */
const prefectures = words(`
  北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県
  富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県
  鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県
  鹿児島県 沖縄県
`);

/** Optional second halves of Japanese place stems ("青葉" + "ヶ丘"), two characters like the first halves. */
const japaneseStemEndings = [
  "",
  ...words(
    "ヶ丘 ヶ谷 ヶ原 ヶ浜 ヶ崎 ヶ淵 ヶ沢 ヶ峰 ヶ瀬 ヶ岳 ノ宮 ノ木 ノ森 ノ辻 見台 之内 木場 田原 野原 沢口",
  ),
];

/**
 * Japanese titles have no spaces between words, so every stem is exactly two characters: the length then
 * tells where one word ends, which keeps composed titles distinct.
 */
export const japanese: Lexicon = {
  person: {
    order: "family-first",
    given: words(`
      健一 太郎 花子 翔太 大輔 直樹 美咲 陽子 裕子 博之 誠司 隆史 剛志 拓也 健太 達也 和也 亮介 聡子 真一 雅人
      浩二 恵美 愛子 由美 明美 優子 彩香 陽菜 結衣 大翔 悠真 陽斗 大和 智子 京子 洋子 幸子 和子 節子 直美 千尋
      恵子 香織 綾乃 正雄 勝也 茂樹 昭夫 秀樹 義男 敏夫 光男 清志 信也 健二 康弘 克己 進一 良子
    `),
    family: words(`
      佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 山口 松本 井上 木村 斎藤 清水 山崎 池田
      橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 西村
      藤井 金子 岡本 藤原 三浦 中野 中川 原田 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原口 柴田 酒井
    `),
    initials: [],
    qualifiers: [
      "",
      "_(野球)",
      "_(サッカー選手)",
      "_(政治家)",
      "_(俳優)",
      "_(歌手)",
      "_(小説家)",
      "_(画家)",
      "_(作曲家)",
      "_(建築家)",
      "_(医師)",
      "_(物理学者)",
      "_(歴史学者)",
      "_(実業家)",
      "_(声優)",
      "_(漫画家)",
      "_(アナウンサー)",
      "_(棋士)",
      "_(力士)",
      "_(陸軍軍人)",
      "_(海軍軍人)",
      "_(写真家)",
      "_(映画監督)",
      "_(経済学者)",
    ],
  },
  place: {
    modifiers: ["", "東", "西", "南", "北", "新", "上", "下"],
    stems: words(`
      青葉 桜井 若松 高松 豊田 長岡 松原 新田 大川 小山 朝日 春日 日野 緑川 本郷 白石 黒田 赤坂 金沢 銀山
      平野 大野 小野 高野 中原 上原 北原 南原 西原 東原 宮前 宮下 森下 川口 川崎 岩田 岩本 石原 水野 浅野
      深沢 広瀬 高瀬 長瀬 古川 吉川 今井 桜田 菊池 梅田 竹田 松山 杉山 柳田 桑原 栗原 荒川 白川 鶴見 亀山
    `).flatMap((first) => japaneseStemEndings.map((second) => first + second)),
    suffixes: words("市 町 村 駅 区 郡 川 山 湖 島 港 城 寺 神社 公園 橋"),
    regionStyle: "paren",
    regions: prefectures,
  },
  placeTopics: words(`
    {p}の戦い {p}駅 {p}高等学校 {p}城 {p}藩 {p}線 {p}中学校 {p}小学校 {p}大学 {p}空港 {p}港 {p}ダム {p}神社 {p}寺
    {p}の歴史 {p}出身の人物一覧 {p}村_(廃止) {p}古墳 {p}遺跡 {p}温泉 {p}トンネル {p}バイパス {p}インターチェンジ
    {p}郵便局 {p}警察署 {p}市民病院 {p}図書館 {p}美術館 {p}公民館 {p}商店街 {p}祭り {p}球場 {p}競馬場
    {p}発電所 {p}漁港 {p}灯台 {p}大橋 {p}放送局 {p}県立自然公園 {p}一覧
  `),
  works: {
    heads: words(`
      月 星 花 風 夢 空 海 雪 桜 光 影 雨 雲 虹 炎 氷 森 川 山 鳥 猫 犬 狐 龍 鬼 神 姫 王 剣 鏡 鍵 扉 塔 城 街 駅 船
      歌 声 心 命 涙 愛 恋 嘘 罪 罰 謎 翼 羽
    `),
    tails: words(`
      物語 記憶 約束 季節 奇跡 伝説 迷宮 革命 戦争 王国 帝国 楽園 世界 未来 過去 彼方 向こう 果て 終わり 始まり
      少女 少年 騎士 魔女 天使 悪魔 探偵 剣士 勇者 旅人 歌姫 花嫁 守人 番人 亡霊 使者 王子 女王 兄弟 姉妹
      時間 秘密 扉 道 家 庭 窓 灯 涙 夜
    `),
    joiner: "の",
    qualifiers: [
      "",
      "_(映画)",
      "_(アニメ)",
      "_(漫画)",
      "_(小説)",
      "_(楽曲)",
      "_(アルバム)",
      "_(テレビドラマ)",
      "_(ゲーム)",
      "_(バンド)",
      "_(曖昧さ回避)",
      "_(1998年の映画)",
      "_(2015年のアニメ)",
      "_(雑誌)",
      "_(オペラ)",
      "_(絵画)",
      "_(ライトノベル)",
      "_(舞台)",
      "_(シングル)",
      "_(テレビアニメ)",
    ],
  },
  yearTopics: words(`
    {y}年 {y}年の日本 {y}年の音楽 {y}年の映画 {y}年のスポーツ {y}年の野球 {y}年のテレビ_(日本) {y}年の政治
    {y}年の文学 {y}年の航空 {y}年の鉄道 {y}年のアニメ {y}年の相撲 {y}年の競馬 {y}年の将棋 {y}年の囲碁
    {y}年のサッカー {y}年のゲーム {y}年の建築 {y}年の科学 {y}年のテレビアニメ {y}年度のプロ野球
  `),
};
