// neardup benchmarks: the news-like text generator (see news_generator.h).
//
// Words come from two ranked lists, function words and content words, each
// sampled with Zipf weights 1 / (rank + offset) through an alias table (O(1)
// per word). A two-state chain alternates between the lists the way English
// alternates between grammar and content, which keeps "the of a to" runs
// rare. Proper names are built from syllables, per document.

#include "news_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace neardup::bench {
namespace {

// The word lists are laid out by hand, as prose-like runs.
// clang-format off

// Closed-class words, most frequent first. Contractions use U+2019.
constexpr std::string_view kFunctionWords[] = {
    "the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "it",
    "was", "with", "as", "he", "at", "by", "his", "be", "from", "are",
    "have", "has", "had", "not", "but", "or", "they", "an", "this", "which",
    "were", "their", "been", "will", "would", "who", "she", "her", "its",
    "there", "more", "also", "about", "after", "when", "we", "can", "than",
    "up", "out", "into", "over", "some", "could", "them", "only", "what",
    "if", "no", "so", "do", "these", "may", "then", "our", "most", "him",
    "before", "through", "while", "where", "because", "between", "during",
    "both", "those", "such", "since", "under", "any", "each", "should",
    "did", "how", "all", "many", "other", "just", "now", "still", "even",
    "very", "much", "well", "down", "back", "off", "again", "against",
    "among", "until", "without", "within", "across", "around", "whether",
    "though", "although", "however", "yet", "nor", "per", "toward", "upon",
    "onto", "via", "near", "despite", "including", "according", "already",
    "often", "never", "always", "here", "why", "whose", "whom", "every",
    "another", "either", "neither", "several", "few", "less", "least",
    "must", "might", "shall", "does", "being", "you", "your", "my", "me",
    "us", "i", "it\u2019s", "don\u2019t", "didn\u2019t", "that\u2019s",
    "isn\u2019t", "won\u2019t", "can\u2019t", "there\u2019s", "we\u2019re",
    "they\u2019re", "wasn\u2019t", "hasn\u2019t",
};

// Open-class words (nouns, verbs, adjectives, adverbs), most frequent first.
constexpr std::string_view kContentWords[] = {
    "said", "year", "new", "people", "first", "two", "last", "time", "years",
    "government", "state", "one", "city", "told", "week", "made", "three",
    "percent", "company", "police", "country", "president", "day", "officials",
    "public", "home", "work", "school", "former", "market", "group", "million",
    "family", "make", "high", "local", "national", "says", "number", "part",
    "world", "next", "take", "news", "report", "health", "court", "months",
    "added", "money", "business", "long", "election", "council", "team",
    "season", "game", "plan", "law", "own", "water", "children", "women",
    "men", "expected", "billion", "four", "early", "later", "recent", "major",
    "announced", "minister", "party", "support", "director", "chief",
    "executive", "statement", "decision", "office", "area", "region", "town",
    "street", "building", "community", "members", "leader", "leaders",
    "policy", "service", "services", "system", "program", "project",
    "research", "study", "university", "students", "hospital", "patients",
    "doctors", "workers", "jobs", "industry", "economy", "growth", "prices",
    "price", "rates", "rate", "bank", "energy", "power", "oil", "gas", "tax",
    "budget", "cost", "costs", "funding", "investment", "investors", "shares",
    "stock", "sales", "revenue", "profit", "quarter", "record", "level",
    "rise", "fall", "increase", "decline", "crisis", "war", "forces",
    "military", "attack", "security", "border", "weather", "storm", "rain",
    "fire", "flood", "damage", "emergency", "residents", "media", "story",
    "history", "nation", "federal", "board", "committee", "agency",
    "department", "spokesman", "spokeswoman", "issue", "problem", "question",
    "case", "change", "deal", "agreement", "talks", "meeting", "conference",
    "plans", "vote", "voters", "campaign", "candidate", "senator", "mayor",
    "judge", "lawyer", "trial", "charges", "investigation", "evidence",
    "officer", "officers", "victims", "hundreds", "thousands", "dozens",
    "night", "morning", "afternoon", "weekend", "today", "yesterday",
    "tomorrow", "recently", "currently", "nearly", "almost", "likely",
    "possible", "important", "clear", "full", "free", "open", "senior",
    "general", "private", "foreign", "young", "old", "top", "final", "key",
    "main", "large", "small", "big", "low", "higher", "lower", "strong",
    "good", "best", "better", "little", "economic", "political", "social",
    "financial", "international", "global", "regional", "legal", "medical",
    "environmental", "digital", "technology", "data", "software", "internet",
    "online", "phone", "video", "website", "platform", "users", "customers",
    "consumers", "companies", "firms", "banks", "markets", "countries",
    "states", "cities", "schools", "teachers", "parents", "child", "woman",
    "man", "life", "death", "care", "food", "farmers", "land", "river",
    "coast", "island", "north", "south", "east", "west", "central", "airport",
    "train", "cars", "road", "traffic", "transport", "housing", "homes",
    "rent", "inflation", "interest", "debt", "loan", "loans", "trade",
    "exports", "imports", "tariffs", "deficit", "unemployment", "wages", "pay",
    "strike", "union", "contract", "agreed", "decided", "warned", "raised",
    "cut", "build", "built", "opened", "closed", "won", "lost", "led", "leave",
    "left", "moved", "started", "ended", "worked", "working", "running",
    "playing", "looking", "trying", "seeking", "facing", "called", "asked",
    "help", "helped", "show", "showed", "found", "find", "give", "gave", "put",
    "keep", "began", "begin", "continue", "continued", "remain", "remained",
    "include", "included", "reported", "believe", "hope", "want", "need",
    "needs", "use", "used", "know", "think", "see", "saw", "come", "came",
    "go", "went", "get", "got", "took", "paid", "spend", "spent", "win",
    "lose", "hold", "held", "meet", "met", "bring", "brought", "set", "run",
    "play", "turn", "turned", "follow", "followed", "allow", "allowed",
    "provide", "provided", "receive", "received", "expect", "consider",
    "considered", "describe", "described", "suggest", "suggested", "release",
    "released", "launch", "launched", "approve", "approved", "reject",
    "rejected", "require", "required", "reduce", "reduced", "improve",
    "improved", "protect", "protest", "protesters", "crowd", "fans", "coach",
    "players", "player", "goal", "goals", "points", "victory", "defeat",
    "match", "league", "championship", "title", "club", "stadium", "music",
    "film", "book", "artist", "festival", "museum", "church", "park", "beach",
    "summer", "winter", "spring", "autumn", "climate", "emissions", "carbon",
    "pollution", "wildlife", "forest", "scientists", "experts", "analysts",
    "critics", "supporters", "opponents", "rivals", "partners", "allies",
    "neighbors", "friends", "staff", "employees", "managers", "owners",
    "founder", "chairman", "chairwoman", "prime", "secretary", "ambassador",
    "governor", "lawmakers", "parliament", "congress", "senate", "ministry",
    "cabinet", "administration", "authorities", "regulators", "commission",
    "rules", "rule", "bill", "measure", "proposal", "reform", "reforms",
    "changes", "results", "figures", "survey", "poll", "polls", "estimate",
    "estimates", "average", "total", "share", "half", "third", "Monday",
    "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "June", "July", "August",
    "September", "October", "November", "December",
};

constexpr std::string_view kMonths[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

constexpr std::string_view kWeekdays[] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday",
};

// Syllables for synthetic names; none forms a word on its own on purpose.
constexpr std::string_view kSyllables[] = {
    "ka",  "mor", "len", "dar", "vi",  "so",  "ran", "bel", "tor", "ne",
    "li",  "mar", "to",  "shi", "ven", "ga",  "ros", "el",  "an",  "dre",
    "wyn", "ha",  "ri",  "ko",  "ta",  "lo",  "mi",  "sa",  "del", "fen",
    "gor", "hal", "ira", "jan", "kel", "lun", "mel", "nor", "pa",  "quin",
    "rei", "sel", "tam", "ul",  "var", "wen", "yo",  "zar", "bri", "cas",
};

constexpr std::string_view kFamilySuffixes[] = {
    "son", "ton", "ley", "er", "berg", "man", "ford", "well", "ez", "ski",
    "ini", "ard", "by",  "",   "",     "",
};

constexpr std::string_view kPlaceSuffixes[] = {
    "ville", "burg", "port", "field", "dale", "ford", "ton", "mouth", "wick",
    "stad", "haven", "",
};

constexpr std::string_view kOrgKinds[] = {
    "Group", "Institute", "Bank", "Council", "Party", "University", "Holdings",
    "Partners", "Foundation", "Motors", "Energy", "Health", "Labs", "Airlines",
    "Times",
};

constexpr std::string_view kHostWords[] = {
    "herald", "times", "post", "gazette", "news", "tribune", "courier",
    "observer", "daily", "journal", "express", "chronicle", "record", "press",
    "star", "sentinel", "ledger", "report",
};

constexpr std::string_view kTlds[] = {
    ".com", ".com", ".com", ".org", ".net", ".co.uk", ".news", ".info",
};

// Real given names written with accents, as they appear in English news.
constexpr std::string_view kAccentedNames[] = {
    "Jos\u00e9", "Zo\u00eb", "Fran\u00e7ois", "Ren\u00e9e", "Bj\u00f6rn",
    "Chlo\u00e9", "Andr\u00e9", "S\u00f8ren", "Ram\u00f3n", "In\u00e9s",
    "J\u00fcrgen", "Ana\u00efs", "Se\u00e1n", "Ma\u00efa", "H\u00e9l\u00e8ne",
    "\u0141ukasz",
};

constexpr std::string_view kAccentedFamilies[] = {
    "M\u00fcller", "N\u00fa\u00f1ez", "Garc\u00eda", "L\u00f3pez",
    "Dvo\u0159\u00e1k", "Sch\u00e4fer", "Fern\u00e1ndez", "B\u00e9rub\u00e9",
};

constexpr std::string_view kSayVerbs[] = {
    "said", "said", "said", "says", "told reporters", "added", "wrote",
    "said in a statement",
};

constexpr std::string_view kTitles[] = {
    "Mr.", "Ms.", "Dr.", "Gov.", "Sen.",
};

// clang-format on

// Walker's alias table over weights 1 / (rank + offset), rank from 1: a
// Zipf (s = 1) distribution with a Mandelbrot offset that flattens the head,
// so that "the" takes about 4% of all words (5-6% in real English) and
// "said" does not crowd out the other content words.
class AliasTable {
 public:
  explicit AliasTable(size_t n, double offset) : threshold_(n), alias_(n) {
    std::vector<double> p(n);
    double total = 0;
    for (size_t i = 0; i < n; ++i) total += p[i] = 1.0 / (i + 1 + offset);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      p[i] = p[i] * n / total;
      (p[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      uint32_t s = small.back(), l = large.back();
      small.pop_back();
      threshold_[s] = static_cast<uint32_t>(p[s] * 4294967295.0);
      alias_[s] = l;
      p[l] -= 1.0 - p[s];
      if (p[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t i : small) threshold_[i] = UINT32_MAX, alias_[i] = i;
    for (uint32_t i : large) threshold_[i] = UINT32_MAX, alias_[i] = i;
  }

  // Draws an index with one 64-bit random value: the high half picks a
  // column, the low half decides between it and its alias.
  uint32_t Sample(uint64_t r) const {
    uint32_t column = static_cast<uint32_t>(((r >> 32) * alias_.size()) >> 32);
    return static_cast<uint32_t>(r) < threshold_[column] ? column
                                                         : alias_[column];
  }

 private:
  std::vector<uint32_t> threshold_;
  std::vector<uint32_t> alias_;
};

const AliasTable& FunctionTable() {
  static const AliasTable* table =
      new AliasTable(std::size(kFunctionWords), 1.5);
  return *table;
}

const AliasTable& ContentTable() {
  static const AliasTable* table =
      new AliasTable(std::size(kContentWords), 8.0);
  return *table;
}

template <typename T, size_t N>
const T& Pick(SplitMix64& rng, const T (&items)[N]) {
  return items[rng.Below(N)];
}

void AppendCapitalized(std::string_view word, std::string* out) {
  size_t start = out->size();
  out->append(word);
  char& c = (*out)[start];
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
}

void AppendInt(uint64_t value, std::string* out) {
  char buf[24];
  int n = std::snprintf(buf, sizeof(buf), "%llu",
                        static_cast<unsigned long long>(value));
  out->append(buf, static_cast<size_t>(n));
}

// Appends value with thousands separators: 12,400.
void AppendGrouped(uint64_t value, std::string* out) {
  char buf[24];
  int n = std::snprintf(buf, sizeof(buf), "%llu",
                        static_cast<unsigned long long>(value));
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out->push_back(',');
    out->push_back(buf[i]);
  }
}

// About half a paragraph: documents stop when the next paragraph would more
// likely overshoot the target than not, so sizes average out on target.
constexpr size_t kHalfParagraph = 220;

}  // namespace

NewsGenerator::NewsGenerator(uint64_t seed) : rng_(seed) {
  FunctionTable();
  ContentTable();
}

std::string NewsGenerator::Syllables(int count, bool capitalize) {
  std::string s;
  for (int i = 0; i < count; ++i) s.append(Pick(rng_, kSyllables));
  if (capitalize && !s.empty() && s[0] >= 'a' && s[0] <= 'z') {
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
  }
  return s;
}

std::string NewsGenerator::GivenName() {
  if (rng_.Chance(0.12)) return std::string(Pick(rng_, kAccentedNames));
  std::string name = Syllables(rng_.Between(2, 3), true);
  if (rng_.Chance(0.4)) name.push_back(rng_.Chance(0.5) ? 'a' : 'o');
  return name;
}

std::string NewsGenerator::FamilyName() {
  if (rng_.Chance(0.06)) return std::string(Pick(rng_, kAccentedFamilies));
  std::string name = Syllables(rng_.Between(1, 2), true);
  name.append(Pick(rng_, kFamilySuffixes));
  if (name.size() < 4) name.append("er");
  return name;
}

std::string NewsGenerator::PlaceName() {
  std::string name = Syllables(rng_.Between(1, 2), true);
  name.append(Pick(rng_, kPlaceSuffixes));
  if (name.size() < 4) name.append("ton");
  return name;
}

std::string NewsGenerator::OrgName() {
  std::string name = Syllables(rng_.Between(2, 3), true);
  name.push_back(' ');
  name.append(Pick(rng_, kOrgKinds));
  return name;
}

void NewsGenerator::NewCast() {
  people_.clear();
  places_.clear();
  orgs_.clear();
  int num_people = rng_.Between(3, 6);
  for (int i = 0; i < num_people; ++i) {
    people_.push_back(Person{GivenName(), FamilyName(), 0});
  }
  int num_places = rng_.Between(1, 3);
  for (int i = 0; i < num_places; ++i) places_.push_back(PlaceName());
  int num_orgs = rng_.Between(1, 2);
  for (int i = 0; i < num_orgs; ++i) orgs_.push_back(OrgName());
}

std::string_view NewsGenerator::Word() {
  if (previous_was_function_ ? rng_.Chance(0.78) : rng_.Chance(0.45)) {
    previous_was_function_ = false;
    return kContentWords[ContentTable().Sample(rng_.Next())];
  }
  previous_was_function_ = true;
  return kFunctionWords[FunctionTable().Sample(rng_.Next())];
}

void NewsGenerator::AppendWordTo(std::string* out, bool capitalize) {
  std::string_view word = Word();
  if (word == "i") word = "I";
  if (capitalize) {
    AppendCapitalized(word, out);
  } else {
    out->append(word);
  }
}

// First mention: full name, sometimes with a title; later: the family name.
void NewsGenerator::AppendPerson(std::string* out) {
  if (people_.empty()) NewCast();
  // Early cast members are the main characters and come up more often.
  size_t i = std::min(rng_.Below(people_.size()), rng_.Below(people_.size()));
  Person& p = people_[i];
  if (p.mentions++ == 0 || rng_.Chance(0.1)) {
    out->append(p.given);
    out->push_back(' ');
    out->append(p.family);
  } else if (rng_.Chance(0.25)) {
    out->append(Pick(rng_, kTitles));
    out->push_back(' ');
    out->append(p.family);
  } else {
    out->append(p.family);
  }
}

void NewsGenerator::AppendProperNoun(std::string* out) {
  if (people_.empty()) NewCast();
  uint64_t r = rng_.Below(10);
  if (r < 5) {
    AppendPerson(out);
  } else if (r < 8) {
    out->append(places_[rng_.Below(places_.size())]);
  } else {
    if (rng_.Chance(0.5)) out->append("the ");
    out->append(orgs_[rng_.Below(orgs_.size())]);
  }
  // Possessive, with the typographic apostrophe.
  if (rng_.Chance(0.12)) out->append("\u2019s");
}

void NewsGenerator::AppendNumberTo(std::string* out) {
  switch (rng_.Below(9)) {
    case 0:
    case 1:
      AppendInt(static_cast<uint64_t>(rng_.Between(2, 99)), out);
      break;
    case 2:
      AppendGrouped(static_cast<uint64_t>(rng_.Between(100, 250000)), out);
      break;
    case 3:  // 3.5%
      AppendInt(static_cast<uint64_t>(rng_.Between(0, 40)), out);
      out->push_back('.');
      AppendInt(static_cast<uint64_t>(rng_.Between(1, 9)), out);
      out->push_back('%');
      break;
    case 4:  // 12%
      AppendInt(static_cast<uint64_t>(rng_.Between(1, 99)), out);
      out->push_back('%');
      break;
    case 5:  // $4.2 billion
      out->push_back('$');
      AppendInt(static_cast<uint64_t>(rng_.Between(1, 900)), out);
      if (rng_.Chance(0.5)) {
        out->push_back('.');
        AppendInt(static_cast<uint64_t>(rng_.Between(1, 9)), out);
      }
      out->append(rng_.Chance(0.6) ? " million" : " billion");
      break;
    case 6:  // $350,000
      out->push_back('$');
      AppendGrouped(static_cast<uint64_t>(rng_.Between(10, 999)) * 1000, out);
      break;
    default:  // a year
      AppendInt(static_cast<uint64_t>(rng_.Between(1990, 2025)), out);
      break;
  }
}

void NewsGenerator::AppendDateTo(std::string* out) {
  uint64_t r = rng_.Below(10);
  if (r < 4) {
    out->append(Pick(rng_, kWeekdays));
    return;
  }
  out->append(Pick(rng_, kMonths));
  out->push_back(' ');
  AppendInt(static_cast<uint64_t>(rng_.Between(1, 28)), out);
  if (r >= 7) {
    out->append(", ");
    AppendInt(static_cast<uint64_t>(rng_.Between(2015, 2025)), out);
  }
}

// Appends `words` tokens separated by spaces, with commas, names, numbers
// and dates mixed in. Does not add final punctuation.
void NewsGenerator::AppendClause(int words, bool capitalize_first,
                                 std::string* out) {
  previous_was_function_ = true;
  for (int i = 0; i < words; ++i) {
    if (i > 0) out->push_back(' ');
    uint64_t r = rng_.Below(1000);
    if (r < 45) {
      AppendProperNoun(out);
    } else if (r < 70) {
      AppendNumberTo(out);
    } else if (r < 80) {
      out->append(rng_.Chance(0.5) ? "on " : "in ");
      AppendDateTo(out);
    } else {
      AppendWordTo(out, capitalize_first && i == 0);
    }
    if (i + 1 < words && i > 1 && rng_.Chance(0.06)) out->push_back(',');
  }
}

void NewsGenerator::AppendSpeaker(std::string* out) {
  if (people_.empty()) NewCast();
  if (rng_.Chance(0.8)) {
    AppendPerson(out);
  } else {
    out->append("a spokesperson for the ");
    out->append(orgs_[rng_.Below(orgs_.size())]);
  }
}

void NewsGenerator::AppendSentence(std::string* out) {
  const size_t start = out->size();
  // 8 to 30 words, most between 12 and 24 (sum of two uniforms).
  int words = rng_.Between(4, 15) + rng_.Between(4, 15);
  uint64_t kind = rng_.Below(100);
  if (kind < 12) {
    // “Quoted speech,” Name said.
    out->append("\u201c");
    AppendClause(words - 3, true, out);
    out->append(rng_.Chance(0.85) ? ",\u201d " : "?\u201d ");
    AppendSpeaker(out);
    out->push_back(' ');
    out->append(Pick(rng_, kSayVerbs));
    out->push_back('.');
  } else if (kind < 16) {
    // Name said: “Quoted speech.”
    AppendSpeaker(out);
    out->append(" said: \u201c");
    AppendClause(words - 3, true, out);
    out->append(".\u201d");
  } else if (kind < 26) {
    // A clause set off by an em dash.
    int first = std::max(3, words / 2);
    AppendClause(first, true, out);
    out->append(" \u2014 ");
    AppendClause(words - first, false, out);
    out->push_back('.');
  } else if (kind < 31) {
    AppendClause(words, true, out);
    out->push_back('?');
  } else {
    AppendClause(words, true, out);
    out->push_back('.');
  }
  char& first = (*out)[start];
  if (first >= 'a' && first <= 'z')
    first = static_cast<char>(first - 'a' + 'A');
}

std::string NewsGenerator::Sentence() {
  std::string s;
  AppendSentence(&s);
  return s;
}

void NewsGenerator::AppendParagraph(std::string* out) {
  int sentences = rng_.Between(2, 6);
  for (int i = 0; i < sentences; ++i) {
    if (i > 0) out->push_back(' ');
    AppendSentence(out);
  }
}

std::string NewsGenerator::Paragraph() {
  std::string p;
  AppendParagraph(&p);
  return p;
}

std::string NewsGenerator::Headline() {
  if (people_.empty()) NewCast();
  std::string h;
  int words = rng_.Between(5, 10);
  previous_was_function_ = true;
  for (int i = 0; i < words; ++i) {
    if (i > 0) h.push_back(' ');
    uint64_t r = rng_.Below(10);
    if (r == 0) {
      h.append(places_[rng_.Below(places_.size())]);
    } else if (r == 1) {
      h.append(people_[0].family);
    } else {
      std::string_view w = Word();
      bool small = w.size() <= 3 && previous_was_function_ && i > 0;
      if (small) {
        h.append(w);
      } else {
        AppendCapitalized(w, &h);
      }
    }
  }
  return h;
}

std::string NewsGenerator::Caption() {
  if (people_.empty()) NewCast();
  std::string c;
  AppendPerson(&c);
  c.push_back(' ');
  AppendClause(rng_.Between(4, 9), false, &c);
  c.append(" in ");
  c.append(places_[rng_.Below(places_.size())]);
  c.append(" on ");
  AppendDateTo(&c);
  c.append(". (Photo: ");
  c.append(GivenName());
  c.push_back(' ');
  c.append(FamilyName());
  c.push_back(')');
  return c;
}

std::string NewsGenerator::Number() {
  std::string s;
  AppendNumberTo(&s);
  return s;
}

std::string NewsGenerator::Date() {
  std::string s;
  AppendDateTo(&s);
  return s;
}

void NewsGenerator::AppendDocument(size_t target_bytes, std::string* out) {
  NewCast();
  size_t start = out->size();
  out->append(Headline());
  do {
    out->append("\n\n");
    AppendParagraph(out);
  } while (out->size() - start + kHalfParagraph < target_bytes);
}

std::string NewsGenerator::Document(size_t target_bytes) {
  std::string doc;
  doc.reserve(target_bytes + 1024);
  AppendDocument(target_bytes, &doc);
  return doc;
}

std::vector<std::string> NewsGenerator::DocumentParagraphs(
    size_t target_bytes) {
  NewCast();
  std::vector<std::string> paragraphs;
  paragraphs.push_back(Headline());
  size_t size = paragraphs.back().size();
  do {
    paragraphs.emplace_back();
    AppendParagraph(&paragraphs.back());
    size += 2 + paragraphs.back().size();
  } while (size + kHalfParagraph < target_bytes);
  return paragraphs;
}

size_t NewsGenerator::SampleDocumentSize(size_t mean_bytes) {
  // Irwin-Hall: the sum of 12 uniforms minus 6 is close to a standard
  // normal, and needs no transcendental function but the final exp.
  double z = -6.0;
  for (int i = 0; i < 12; ++i) z += rng_.Uniform();
  constexpr double kSigma = 0.6;
  double size = static_cast<double>(mean_bytes) *
                std::exp(kSigma * z - kSigma * kSigma / 2);
  double lo = std::max(200.0, mean_bytes / 8.0);
  double hi = std::max(lo, mean_bytes * 12.0);
  return static_cast<size_t>(std::clamp(size, lo, hi));
}

std::string NewsGenerator::HostName() {
  std::string host;
  if (rng_.Chance(0.6)) host.append("www.");
  std::string place = PlaceName();
  for (char& c : place) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  host.append(place);
  host.push_back('-');
  host.append(Pick(rng_, kHostWords));
  host.append(Pick(rng_, kTlds));
  return host;
}

std::string NewsGenerator::Slug(std::string_view headline) {
  std::string slug;
  for (char c : headline) {
    if (slug.size() >= 60) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "story";
  return slug;
}

std::vector<std::string> MakeCorpus(size_t total_bytes, uint64_t seed,
                                    size_t mean_doc_bytes) {
  NewsGenerator gen(seed);
  std::vector<std::string> docs;
  size_t total = 0;
  while (total < total_bytes) {
    docs.push_back(gen.Document(gen.SampleDocumentSize(mean_doc_bytes)));
    total += docs.back().size();
  }
  return docs;
}

}  // namespace neardup::bench
