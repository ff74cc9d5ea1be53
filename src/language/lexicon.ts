/**
 * EmoteBot's trigger lexicon: emotion words, phrases, emoji and emoticons mapped to weights
 * over neutral and Ekman's seven (happy, sad, surprised, angry, fearful, disgusted, contempt).
 *
 * Sources: hand-built by EmoteBot from general knowledge of everyday English emotion
 * vocabulary, informed by Ekman's basic emotions (facial expressions of the seven) and
 * Plutchik's wheel of emotions (intensity grades such as annoyance < anger < rage, and
 * dyads such as joy + surprise = delight, joy + sadness = bittersweet). Emoji meanings follow
 * their Unicode names and common chat usage. No licensed lexicon was copied.
 *
 * Format: each group lists space-separated words (phrases use '|' between entries) sharing
 * the same weights. Weights are relative and normalised when the table is built; `s` is the
 * word's own strength (the intensity it gives on its own; default 0.8, the "plain emotion word"
 * level; mild words are lower, extreme words 1.0). `adv` marks adverbs, which blend more
 * weakly ("happily surprised" is mostly surprised).
 *
 * Pure data: no I/O.
 */
import type { EmotionWeights } from '../core/emotions.ts';

export interface LexGroup {
  readonly words: string;
  readonly w: EmotionWeights;
  readonly s?: number;
  readonly adv?: boolean;
}

/** Single words (lower case; apostrophes kept as typed, e.g. "can't"). */
export const WORD_GROUPS: readonly LexGroup[] = [
  // ---------------------------------------------------------------- happy
  { words: 'happy happiness joy joyful joyous glad gladness cheerful cheery merry jolly jovial pleased delighted delight delightful upbeat sunny bubbly chirpy lighthearted radiant beaming gleeful glee elation', w: { happy: 1 } },
  { words: 'smiling smile smiley grin grinning laugh laughing laughter giggle giggly chuckle chortle', w: { happy: 1 } },
  { words: 'playful amused amusing funny hilarious fun enjoy enjoyable wonderful great awesome fantastic fabulous terrific marvellous marvelous superb excellent brilliant lovely nice good', w: { happy: 1 }, s: 0.7 },
  { words: 'love adore adorable sweet cute lovable loving beloved darling', w: { happy: 1 }, s: 0.75 },
  { words: 'yay hooray hurray hurrah woohoo woo yippee yahoo whee haha hahaha hehe heehee lol lmao lmfao rofl', w: { happy: 1 }, s: 0.75 },
  { words: 'grateful thankful thanks thank blessed lucky fortunate proud pride', w: { happy: 1 }, s: 0.65 },
  { words: 'celebrate celebration party birthday congratulations congrats hug kiss cuddle', w: { happy: 1 }, s: 0.6 },
  { words: 'win won winning winner victory victorious triumph triumphant success successful succeed succeeded promoted promotion hired bonus gift vacation holiday weekend married marry wedding engaged sunshine rainbow puppy puppies kitten kittens', w: { happy: 1 }, s: 0.55 },
  { words: 'perfect beautiful gorgeous glorious heavenly paradise yummy delicious tasty', w: { happy: 1 }, s: 0.6 },
  { words: 'ecstatic elated overjoyed euphoric thrilled blissful bliss jubilant exhilarated rapturous exultant', w: { happy: 1 }, s: 1 },
  { words: 'content contented satisfied pleasant comfortable cozy cosy relieved relief hopeful optimistic', w: { happy: 1 }, s: 0.5 },
  { words: 'excited excitement exciting thrilling eager pumped stoked', w: { happy: 0.7, surprised: 0.3 }, s: 0.9 },
  { words: 'amazing incredible wondrous spectacular', w: { happy: 0.7, surprised: 0.3 }, s: 0.8 },
  { words: 'baby newborn', w: { happy: 1 }, s: 0.45 },
  { words: 'lottery jackpot', w: { happy: 0.7, surprised: 0.3 }, s: 0.6 },
  { words: 'happily joyfully gladly cheerfully merrily gleefully delightedly lovingly', w: { happy: 1 }, adv: true },

  // ---------------------------------------------------------------- sad
  { words: 'sad sadness unhappy unhappiness sorrow sorrowful gloomy gloom glum melancholy melancholic morose mournful mourn mourning grief grieving grieve downcast dejected despondent disheartened discouraged forlorn crestfallen woeful downhearted', w: { sad: 1 } },
  { words: 'lonely loneliness lonesome homesick miserable misery depressed depressing depression tearful teary tears crying cry weep weepy sob sobbing hurt hurting painful aching heartache', w: { sad: 1 } },
  { words: 'heartbroken heartbreaking heartbreak brokenhearted devastated devastating crushed inconsolable anguish anguished distraught grief-stricken', w: { sad: 1 }, s: 1 },
  { words: 'sorry regret regretful remorse remorseful ashamed shame disappointed disappointing disappointment letdown hopeless despair bleak dismal dreary blah', w: { sad: 1 }, s: 0.65 },
  { words: 'bummed gutted empty numb', w: { sad: 1 }, s: 0.6 },
  { words: 'doomed', w: { fearful: 0.6, sad: 0.4 }, s: 0.7 },
  { words: 'butterflies', w: { fearful: 0.5, happy: 0.5 }, s: 0.5 },
  { words: 'tired exhausted weary drained', w: { sad: 1 }, s: 0.45 },
  { words: 'cancelled canceled stuck delayed ruined', w: { sad: 0.5, angry: 0.5 }, s: 0.5 },
  { words: 'guilty', w: { sad: 0.6, fearful: 0.4 }, s: 0.6 },
  { words: 'desperate helpless', w: { sad: 0.5, fearful: 0.5 }, s: 0.7 },
  { words: 'miss missed missing lost loss lose losing alone', w: { sad: 1 }, s: 0.5 },
  { words: 'die died dies dying dead death deceased funeral rip condolences tragic tragedy unfortunately unfortunate pity pitiful cancer illness hospital', w: { sad: 1 }, s: 0.75 },
  { words: 'fail failed failure failing rejected rejection dumped breakup divorce fired unemployed bankrupt goodbye farewell sigh sighing rainy', w: { sad: 1 }, s: 0.55 },
  { words: 'sadly sorrowfully mournfully tearfully gloomily glumly miserably wistfully', w: { sad: 1 }, adv: true },
  { words: 'bittersweet', w: { happy: 0.5, sad: 0.5 } },
  { words: 'nostalgic nostalgia sentimental', w: { happy: 0.45, sad: 0.55 }, s: 0.6 },
  { words: 'wistful', w: { sad: 0.6, happy: 0.4 }, s: 0.55 },
  { words: 'upset', w: { sad: 0.6, angry: 0.4 } },

  // ---------------------------------------------------------------- angry
  { words: 'angry anger mad cross irate hostile hate hatred resent resentful resentment outraged outrage outrageous indignant indignation fuming seething rage raging enraged wrath wrathful heated', w: { angry: 1 } },
  { words: 'furious livid infuriated infuriating incensed apoplectic', w: { angry: 1 }, s: 1 },
  { words: 'irritated irritating irritable annoyed annoying annoyance bothered peeved miffed vexed aggravated agitated exasperated', w: { angry: 1 }, s: 0.5 },
  { words: 'pissed', w: { angry: 1 }, s: 0.9 },
  { words: 'grumpy cranky crabby grouchy sulky', w: { angry: 0.7, sad: 0.3 }, s: 0.5 },
  { words: 'frustrated frustrating frustration', w: { angry: 0.7, sad: 0.3 }, s: 0.6 },
  { words: 'damn dammit damnit argh arg grr grrr rant rude insult insulted unfair injustice slammed shout shouting yell yelling glare glaring scowl scowling fight fighting punch slap liar lied lying cheat cheated cheater', w: { angry: 1 }, s: 0.6 },
  { words: 'scream screaming screamed shriek shrieked', w: { fearful: 0.55, angry: 0.45 }, s: 0.7 },
  { words: 'offended', w: { angry: 0.7, disgusted: 0.3 }, s: 0.6 },
  { words: 'betrayed betrayal', w: { angry: 0.6, sad: 0.4 }, s: 0.8 },
  { words: 'bitter', w: { angry: 0.5, sad: 0.5 }, s: 0.6 },
  { words: 'jealous envious envy jealousy', w: { angry: 0.6, sad: 0.4 }, s: 0.55 },
  { words: 'stupid idiot idiots idiotic moron dumb jerk', w: { angry: 0.6, contempt: 0.4 }, s: 0.6 },
  { words: 'dare', w: { angry: 1 }, s: 0.6 },
  { words: 'frown frowning', w: { sad: 0.5, angry: 0.5 }, s: 0.6 },
  { words: 'hmph humph', w: { angry: 0.5, contempt: 0.5 }, s: 0.5 },
  { words: 'angrily furiously irritably crossly', w: { angry: 1 }, adv: true },

  // ---------------------------------------------------------------- fearful
  { words: 'fear fearful afraid scared scare scary shaking shake chills frightened frightening fright panic panicked panicky anxious anxiety nervous worried worry worrying uneasy unease tense apprehensive dread dreading dreaded alarmed alarming spooked spooky creepy eerie ominous jittery jumpy shaky trembling tremble shiver shivering shudder timid frantic phobia threatened threatening intimidated', w: { fearful: 1 } },
  { words: 'terrified terrifying terror petrified horror horrific horrifying', w: { fearful: 1 }, s: 1 },
  { words: 'horrified', w: { fearful: 0.6, disgusted: 0.2, surprised: 0.2 }, s: 1 },
  { words: 'danger dangerous unsafe insecure vulnerable ghost ghosts monster monsters spider spiders snake snakes nightmare nightmares haunted attack attacked robbed burglar intruder emergency', w: { fearful: 1 }, s: 0.6 },
  { words: 'dark darkness', w: { fearful: 1 }, s: 0.35 },
  { words: 'eek yikes', w: { fearful: 0.6, surprised: 0.4 }, s: 0.7 },
  { words: 'stressed stress overwhelmed', w: { fearful: 0.6, sad: 0.4 }, s: 0.6 },
  { words: 'paranoid hesitant shy', w: { fearful: 1 }, s: 0.45 },
  { words: 'embarrassed embarrassing awkward', w: { fearful: 0.4, sad: 0.4, surprised: 0.2 }, s: 0.5 },
  { words: 'fearfully nervously anxiously timidly', w: { fearful: 1 }, adv: true },

  // ---------------------------------------------------------------- surprised
  { words: 'surprised surprise surprising shocked shock shocking astonished astonishing astounded astounding stunned startled startle speechless flabbergasted dumbfounded gobsmacked unexpected sudden wow whoa woah omg omfg gasp gasped gasping jawdropping mindblown', w: { surprised: 1 } },
  { words: 'amazed awestruck awed', w: { surprised: 0.75, happy: 0.25 } },
  { words: 'unbelievable', w: { surprised: 0.8, happy: 0.2 }, s: 0.8 },
  { words: 'bewildered baffled puzzled confused perplexed', w: { surprised: 0.7, fearful: 0.3 }, s: 0.5 },
  { words: 'wtf', w: { surprised: 0.5, angry: 0.5 }, s: 0.8 },
  { words: 'surprisingly unexpectedly suddenly shockingly amazingly astonishingly', w: { surprised: 1 }, adv: true },

  // ---------------------------------------------------------------- disgusted
  { words: 'disgust disgusted disgusting gross yuck yucky eww ew icky ick nasty revolting revolted repulsive repulsed repellent repugnant sickening sickened nauseous nauseating nauseated nausea vile foul putrid rancid rotten rotting moldy mouldy stink stinks stinky stank smelly reek reeks reeking filthy filth slimy gag gagging vomit vomiting puke puking barf retch abhorrent loathsome loathe loathing detest detestable odious bleh blech blegh', w: { disgusted: 1 } },
  { words: 'smell smells smelled dirty greasy sewage maggots cockroach cockroaches roach worms', w: { disgusted: 1 }, s: 0.4 },
  { words: 'appalled appalling', w: { disgusted: 0.6, surprised: 0.2, angry: 0.2 } },
  { words: 'cringe cringey cringy cringeworthy', w: { disgusted: 0.6, contempt: 0.4 }, s: 0.6 },
  { words: 'ugh', w: { disgusted: 0.7, angry: 0.3 }, s: 0.6 },
  { words: 'terrible awful dreadful', w: { disgusted: 0.35, sad: 0.35, angry: 0.3 }, s: 0.6 },
  { words: 'horrible', w: { disgusted: 0.4, fearful: 0.3, sad: 0.3 }, s: 0.7 },
  { words: 'bad worse', w: { sad: 0.6, angry: 0.2, disgusted: 0.2 }, s: 0.5 },
  { words: 'worst', w: { angry: 0.4, disgusted: 0.3, sad: 0.3 }, s: 0.7 },
  { words: 'sick', w: { disgusted: 0.6, sad: 0.4 }, s: 0.6 },
  { words: 'garbage trash', w: { disgusted: 0.5, contempt: 0.5 }, s: 0.5 },
  { words: 'disgustedly', w: { disgusted: 1 }, adv: true },

  // ---------------------------------------------------------------- contempt
  { words: 'contempt contemptuous scorn scornful disdain disdainful smug smugness sneer sneering smirk smirking condescending condescension patronizing patronising haughty arrogant arrogance snobby snobbish snob snooty superior superiority dismissive mocking mock mockery sarcastic sarcasm snide derisive derision sardonic eyeroll', w: { contempt: 1 } },
  { words: 'unimpressed unamused', w: { contempt: 0.7, angry: 0.3 }, s: 0.6 },
  { words: 'pfft pff psh pshh tsk whatever cynical lame amateur amateurs clueless ignorant', w: { contempt: 1 }, s: 0.5 },
  { words: 'pathetic loser losers', w: { contempt: 0.8, disgusted: 0.2 }, s: 0.7 },
  { words: 'meh', w: { contempt: 0.5, neutral: 0.5 }, s: 0.4 },
  { words: 'bored boring', w: { neutral: 0.5, contempt: 0.3, sad: 0.2 }, s: 0.4 },
  { words: 'contemptuously scornfully disdainfully smugly mockingly sarcastically', w: { contempt: 1 }, adv: true },

  // ---------------------------------------------------------------- neutral
  { words: 'neutral calm calmly composed expressionless blank deadpan impassive stoic normal reset resting emotionless unemotional idle tranquil placid none', w: { neutral: 1 } },
  { words: 'fine ok okay alright', w: { neutral: 1 }, s: 0.5 },
  { words: 'indifferent', w: { neutral: 0.7, contempt: 0.3 } },
  { words: 'relaxed serene chill peaceful', w: { neutral: 0.6, happy: 0.4 }, s: 0.6 },
];

/** Multi-word phrases, matched on whole tokens before single words. */
export const PHRASE_GROUPS: readonly LexGroup[] = [
  { words: 'over the moon|on cloud nine|on top of the world|never been happier|couldn\'t be happier|could not be happier|never felt better|best day ever|best day of my life|dream come true|made my day|walking on air', w: { happy: 1 }, s: 1 },
  { words: 'thank you|good news|great news|well done|good job|great job|feel good|feeling good|in love|can\'t wait|cannot wait|looking forward|passed the exam|passed my exam|got the job|got promoted|happy birthday|merry christmas|happy new year|was born|i like|i really like|love it|love you', w: { happy: 1 }, s: 0.7 },
  { words: 'passed away|broke up|broke my heart|broken heart|let down|let me down|feeling blue|feel blue|feeling down|feel down|down in the dumps|bad news|lost my job|got fired|laid off|miss you|i miss|fell apart|no one cares|nobody cares|nobody loves me|all alone', w: { sad: 1 }, s: 0.8 },
  { words: 'how dare you|how dare|fed up|sick of|sick and tired|had enough|shut up|get out|go away|screw you|damn you|piss off|pissed off|drives me crazy|driving me crazy|stop it|stop that|knock it off|back off|what is wrong with you|what\'s wrong with you|makes my blood boil|blood boil|lose my temper|lost my temper|so unfair|not fair|what the hell', w: { angry: 1 }, s: 0.9 },
  { words: 'oh no|uh oh|watch out|look out|help me|run away|freaking out|freaked out|scared stiff|scared to death|frightened to death|what if|broke in|break in|breaking in|someone is following me|heart pounding|heart racing|goosebumps', w: { fearful: 1 }, s: 0.8 },
  { words: 'no way|can\'t believe|cannot believe|oh my god|oh my gosh|oh my goodness|oh my|holy cow|holy moly|holy crap|holy shit|what the|jaw dropped|mind blown|blew my mind|out of nowhere|didn\'t see that coming|did not see that coming|who knew|you\'re kidding|you are kidding|are you serious', w: { surprised: 1 }, s: 0.85 },
  { words: 'grossed out|makes me sick|make me sick|made me sick|turns my stomach|want to throw up|throw up|threw up|smells terrible|smells awful|smells bad|tastes terrible|tastes awful|tastes bad|so gross|food poisoning', w: { disgusted: 1 }, s: 0.85 },
  { words: 'who cares|so what|as if|big deal|yeah right|get over it|eye roll|rolls eyes|roll eyes|rolled eyes|rolls his eyes|rolls her eyes|roll my eyes|rolled my eyes|not impressed|oh please|nice try|better than everyone|better than everybody|better than you|better than us|how original|good for you|whatever you say', w: { contempt: 1 }, s: 0.75 },
  { words: 'leave me alone|how could you|why would you|why would you do that', w: { angry: 0.6, sad: 0.4 }, s: 0.75 },
  { words: "don't like|do not like|didn't like|doesn't like|did not like|does not like|can't stand|cannot stand", w: { angry: 0.35, disgusted: 0.35, sad: 0.3 }, s: 0.55 },
  { words: 'done with you|so done|waste of time', w: { angry: 0.6, contempt: 0.4 }, s: 0.7 },
  { words: 'laughed at me|laugh at me|laughing at me|made fun of me|make fun of me', w: { sad: 0.6, angry: 0.4 }, s: 0.7 },
  { words: 'you call that|call that a', w: { contempt: 1 }, s: 0.6 },
  { words: 'you did what|did what|say what', w: { surprised: 1 }, s: 0.8 },
  { words: 'poker face|straight face|no emotion|no expression|nothing special|at ease|never mind', w: { neutral: 1 } },
  { words: 'mixed feelings|happy tears|tears of joy', w: { happy: 0.5, sad: 0.5 } },
];

/** Emoji, looked up with variation selectors and skin-tone modifiers removed. */
export const EMOJI_GROUPS: readonly LexGroup[] = [
  { words: '😀 😃 😄 😁 😆 😊 🙂 ☺ 😇 🥰 😍 😘 😗 😙 😚 😋 😛 😜 🤪 😝 🤗 🥳 😺 😸 😻 😹 😂 🤣 ❤ 💕 💖 💗 💓 💞 💘 💝 💛 💚 💙 💜 🧡 🎉 🎊 👍 🙌 👏 ✨ 🌞 ☀ 🌈 💯 🥂 🍾 🎂 🎁', w: { happy: 1 } },
  { words: '🤩', w: { happy: 0.7, surprised: 0.3 } },
  { words: '😌', w: { happy: 0.6, neutral: 0.4 }, s: 0.6 },
  { words: '😅', w: { happy: 0.6, fearful: 0.4 } },
  { words: '🥲', w: { happy: 0.5, sad: 0.5 } },
  { words: '🤭', w: { happy: 0.6, surprised: 0.4 } },
  { words: '😢 😭 😞 😔 ☹ 🙁 😿 💔 🥺 🥀', w: { sad: 1 } },
  { words: '😟 😥 😓', w: { sad: 0.65, fearful: 0.35 } },
  { words: '😕', w: { sad: 0.6, surprised: 0.4 }, s: 0.5 },
  { words: '😩 😫', w: { sad: 0.6, angry: 0.4 } },
  { words: '😡 😠 🤬 👿 💢 👊 😾', w: { angry: 1 } },
  { words: '😤', w: { angry: 0.8, contempt: 0.2 } },
  { words: '🖕', w: { angry: 0.6, contempt: 0.4 } },
  { words: '😱', w: { fearful: 0.7, surprised: 0.3 }, s: 1 },
  { words: '😨 😰 🫣 👻', w: { fearful: 1 } },
  { words: '😧 🙀', w: { fearful: 0.6, surprised: 0.4 } },
  { words: '😬', w: { fearful: 0.6, disgusted: 0.4 }, s: 0.6 },
  { words: '😖', w: { disgusted: 0.4, sad: 0.3, fearful: 0.3 } },
  { words: '😮 😯 😲 🤯 🫢 ‼ ⁉', w: { surprised: 1 } },
  { words: '😳', w: { surprised: 0.7, fearful: 0.3 } },
  { words: '😦', w: { surprised: 0.6, fearful: 0.4 } },
  { words: '🤢 🤮 🤧', w: { disgusted: 1 } },
  { words: '😏 🙄', w: { contempt: 1 } },
  { words: '😒', w: { contempt: 0.7, angry: 0.3 } },
  { words: '🤨', w: { contempt: 0.6, surprised: 0.4 } },
  { words: '😼', w: { contempt: 0.6, happy: 0.4 } },
  { words: '😑', w: { contempt: 0.5, neutral: 0.5 }, s: 0.5 },
  { words: '😐 😶 🫥', w: { neutral: 1 } },
];

/**
 * ASCII emoticons, matched case-sensitively on the raw text (":D" and "D:" differ).
 * An emoticon that starts or ends with a letter or digit needs a non-alphanumeric neighbour there.
 */
export const EMOTICON_GROUPS: readonly LexGroup[] = [
  { words: ':) :-) :] =) (: (-: ^_^ ^^ :3 :> c:', w: { happy: 1 } },
  { words: ':D :-D =D XD xD :d', w: { happy: 1 }, s: 0.95 },
  { words: ';) ;-) ;D :P :-P :p :-p', w: { happy: 0.8, contempt: 0.2 }, s: 0.7 },
  { words: '<3 <333 <33', w: { happy: 1 }, s: 0.7 },
  { words: ':( :-( :[ =( :c :<', w: { sad: 1 } },
  { words: ":'( :'-( ;( T_T T.T ;_; QQ </3", w: { sad: 1 }, s: 1 },
  { words: '>:( >:-( :@ >:[ >:O', w: { angry: 1 } },
  { words: ':O :-O :o :-o O_O o_O O_o o.O O.O 0_0 :0', w: { surprised: 1 } },
  { words: 'D: D-: DX', w: { fearful: 1 } },
  { words: ':S :-S', w: { fearful: 0.5, disgusted: 0.5 }, s: 0.6 },
  { words: ':/ :-/ :\\ -_- ¬_¬ >_>', w: { contempt: 1 }, s: 0.6 },
  { words: ':| :-| =|', w: { neutral: 1 } },
];

/**
 * Words listed first when several spelling suggestions are equally close: the emotion names
 * and their most common everyday forms.
 */
export const PRIORITY_WORDS: readonly string[] = (
  'happy sad angry surprised scared afraid fearful disgusted contempt smug neutral calm glad mad ' +
  'joyful cheerful furious annoyed terrified shocked amazed gross gloomy heartbroken happiness sadness anger fear ' +
  'surprise disgust excited smiling laugh cry crying nervous worried upset'
).split(' ');
