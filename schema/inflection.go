package schema

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pluralize returns the English plural of word exactly as the npm package
// "inflection" 1.13.4 computes it — the version LoopBack 3 (juggler 3.36.1,
// loopback 3.28.0) uses to derive a model's default plural, and so its REST
// path. Rules are applied case-insensitively and the first matching rule
// wins; letters captured from word keep their case while the replacement
// text is lower case ("Person" → "People", "Stadium" → "Stadia",
// "inventory" → "inventories", "Address" → "Addresses", "Bus" → "Buses").
//
// Quirks kept on purpose because LoopBack has them: uncountable words are
// returned unchanged ("Sheep", "News", "Equipment", "Information", but also
// "Food" and "Software"); words already plural are returned unchanged
// ("People", "Orders"); whole-word irregulars lose their capital
// ("Foot" → "feet", "Genus" → "genera"); only the whole word "man"/"woman"
// becomes "men"/"women" ("Salesman" → "Salesmans"); "Octopus" → "Octopuses"
// and "Fish" → "Fishes" (inflection ≥ 1.13 dropped "octopi" and the
// uncountable "fish").
func Pluralize(word string) string {
	if uncountableWords[strings.ToLower(word)] {
		return word
	}
	for _, r := range pluralRules {
		if !r.re.MatchString(word) {
			continue
		}
		if r.keep {
			return word
		}
		return r.re.ReplaceAllString(word, r.repl)
	}
	return word
}

// camelize is inflection's camelize: the string is split on "_", every part
// but the first is lower-cased, and every part gets an upper-case first
// letter except the very first one when lowerFirst is true. LoopBack uses it
// for default keys: camelize("Customer_id", true) == "customerId".
func camelize(s string, lowerFirst bool) string {
	paths := strings.Split(s, "/")
	for i, path := range paths {
		parts := strings.Split(path, "_")
		for k, part := range parts {
			if k != 0 {
				part = strings.ToLower(part)
			}
			if part == "" {
				continue
			}
			first, size := utf8.DecodeRuneInString(part)
			if lowerFirst && i == 0 && k == 0 {
				first = unicode.ToLower(first)
			} else {
				first = unicode.ToUpper(first)
			}
			parts[k] = string(first) + part[size:]
		}
		paths[i] = strings.Join(parts, "")
	}
	return strings.Join(paths, "::")
}

// inflectionRule is one rule of the plural table: a case-insensitive pattern
// and its replacement, or keep for patterns that recognise a word that is
// already plural.
type inflectionRule struct {
	re   *regexp.Regexp
	repl string
	keep bool
}

func pluralRule(pattern, repl string) inflectionRule {
	return inflectionRule{re: regexp.MustCompile("(?i)" + pattern), repl: repl}
}

func alreadyPlural(pattern string) inflectionRule {
	return inflectionRule{re: regexp.MustCompile("(?i)" + pattern), keep: true}
}

// pluralRules is inflection 1.13.4's plural_rules table, in its order.
var pluralRules = []inflectionRule{
	// Already plural: left alone.
	alreadyPlural(`^(m|wom)en$`),
	alreadyPlural(`(pe)ople$`),
	alreadyPlural(`(child)ren$`),
	alreadyPlural(`([ti])a$`),
	alreadyPlural(`((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$`),
	alreadyPlural(`(database)s$`),
	alreadyPlural(`(drive)s$`),
	alreadyPlural(`(hi|ti)ves$`),
	alreadyPlural(`(curve)s$`),
	alreadyPlural(`([lr])ves$`),
	alreadyPlural(`([^fo])ves$`),
	alreadyPlural(`([^aeiouy]|qu)ies$`),
	alreadyPlural(`(s)eries$`),
	alreadyPlural(`(m)ovies$`),
	alreadyPlural(`(x|ch|ss|sh)es$`),
	alreadyPlural(`([m|l])ice$`),
	alreadyPlural(`(bus)es$`),
	alreadyPlural(`(o)es$`),
	alreadyPlural(`(shoe)s$`),
	alreadyPlural(`(cris|ax|test)es$`),
	alreadyPlural(`(octop|vir)uses$`),
	alreadyPlural(`(alias|canvas|status|campus)es$`),
	alreadyPlural(`^(summons|bonus)es$`),
	alreadyPlural(`^(ox)en`),
	alreadyPlural(`(matr)ices$`),
	alreadyPlural(`^feet$`),
	alreadyPlural(`^teeth$`),
	alreadyPlural(`^geese$`),
	alreadyPlural(`(quiz)zes$`),
	alreadyPlural(`^(whereas)es$`),
	alreadyPlural(`^(criteri)a$`),
	alreadyPlural(`^genera$`),

	// Singular → plural.
	pluralRule(`^(m|wom)an$`, "${1}en"),
	pluralRule(`(pe)rson$`, "${1}ople"),
	pluralRule(`(child)$`, "${1}ren"),
	pluralRule(`(drive)$`, "${1}s"),
	pluralRule(`^(ox)$`, "${1}en"),
	pluralRule(`(ax|test)is$`, "${1}es"),
	pluralRule(`(octop|vir)us$`, "${1}uses"),
	pluralRule(`(alias|status|canvas|campus)$`, "${1}es"),
	pluralRule(`^(summons|bonus)$`, "${1}es"),
	pluralRule(`(bu)s$`, "${1}ses"),
	pluralRule(`(buffal|tomat|potat)o$`, "${1}oes"),
	pluralRule(`([ti])um$`, "${1}a"),
	pluralRule(`sis$`, "ses"),
	pluralRule(`(?:([^f])fe|([lr])f)$`, "${1}${2}ves"),
	pluralRule(`(hi|ti)ve$`, "${1}ves"),
	pluralRule(`([^aeiouy]|qu)y$`, "${1}ies"),
	pluralRule(`(matr)ix$`, "${1}ices"),
	pluralRule(`(vert|ind)ex$`, "${1}ices"),
	pluralRule(`(x|ch|ss|sh)$`, "${1}es"),
	pluralRule(`([m|l])ouse$`, "${1}ice"),
	pluralRule(`^foot$`, "feet"),
	pluralRule(`^tooth$`, "teeth"),
	pluralRule(`^goose$`, "geese"),
	pluralRule(`(quiz)$`, "${1}zes"),
	pluralRule(`^(whereas)$`, "${1}es"),
	pluralRule(`^(criteri)on$`, "${1}a"),
	pluralRule(`^genus$`, "genera"),
	pluralRule(`s$`, "s"),
	pluralRule(`$`, "s"),
}

// uncountableWords is inflection 1.13.4's uncountable_words list (the
// entries it leaves commented out, such as "fish" and "moose", are absent).
var uncountableWords = wordSet(`
accommodation adulthood advertising advice aggression aid air aircraft alcohol
anger applause arithmetic assistance athletics bacon baggage beef biology
blood botany bread butter carbon cardboard cash chalk chaos chess crossroads
countryside dancing deer dignity dirt dust economics education electricity
engineering enjoyment envy equipment ethics evidence evolution fame fiction
flour flu food fuel fun furniture gallows garbage garlic genetics gold golf
gossip gratitude grief guilt gymnastics happiness hardware harm hate hatred
health heat help homework honesty honey hospitality housework humour hunger
hydrogen ice importance inflation information innocence iron irony jam jewelry
judo karate knowledge lack laughter lava leather leisure lightning linguine
linguini linguistics literature litter livestock logic loneliness luck luggage
macaroni machinery magic management mankind marble mathematics mayonnaise
measles methane milk minus money mud music mumps nature news nitrogen nonsense
nurture nutrition obedience obesity oxygen pasta patience physics poetry
pollution poverty pride psychology publicity punctuation quartz racism
relaxation reliability research respect revenge rice rubbish rum safety
scenery seafood seaside series shame sheep shopping sleep smoke smoking snow
soap software soil spaghetti species steam stuff stupidity sunshine symmetry
tennis thirst thunder timber traffic transportation trust underwear
unemployment unity validity veal vegetation vegetarianism vengeance violence
vitality warmth wealth weather welfare wheat wildlife wisdom yoga zinc zoology
`)

func wordSet(words string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}
