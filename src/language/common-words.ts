/**
 * Everyday English words that carry no emotion on their own. They are "known": the parser never
 * flags them as misspellings (so "my dad" is not corrected to "my sad"). Hand-built by EmoteBot
 * from general knowledge of frequent English and chat words. Pure data: no I/O.
 */
const TEXT = `
i me my mine myself you your yours yourself we us our ours he him his she her hers it its itself they them their
theirs this that these those who whom whose which what when where why how there here a an the and or but if so
as at by for from in into of off on onto out over to up down with about above after against along among around
before behind below beneath beside between beyond during except inside near outside since through throughout till
until upon within without via per than then just only also even still already again ever once twice always often
sometimes usually maybe perhaps probably really actually basically literally totally simply almost quite rather
much many more most some any all both each every few other another such same own enough lot lots plenty
am is are was were be been being have has had having do does did doing done will would shall should can could may
might must need ought i'm im i've ive i'd i'll you're youre you've you'd you'll he's hes she's shes it's we're we've
they're theyre they've that's thats there's theres here's what's whats who's let's lets y'all gonna wanna gotta
get gets got getting gotten go goes going went gone come comes came coming make makes made making take takes took
taken taking give gives gave given giving see sees saw seen seeing look looks looked looking watch watched know
knows knew known think thinks thought say says said saying tell tells told ask asks asked want wants wanted like likes
liked feel feels felt feeling feelings seem seems seemed become put puts keep keeps kept let try tries tried use used
find found call called work works worked working play plays played run runs ran walk walked talk talked eat ate
eaten drink drank sleep slept wake woke read write wrote buy bought pay paid send sent bring brought leave left
meet met sit sat stand stood turn turned show showed hear heard start started stop stopped open opened close
closed move moved live lived believe believed happen happened happens wait waited stay stayed
yes yeah yep yup nope okay hey hi hello hiya bye oh ah ahh aw aww hmm hm um uh er well wait please pls plz
man dude bro guys guy girl boy friend friends buddy mate mom mum dad mother father parents sister brother son
daughter wife husband baby kid kids family grandma grandpa uncle aunt cousin boss teacher people person someone
somebody everyone everybody anyone anybody nobody everything something anything nothing thing things stuff
dog dogs cat cats pet bird fish horse house home room kitchen car bus train plane phone computer email message text
food dinner lunch breakfast coffee tea pizza cake water beer wine milk bread meat cheese fridge milk
day days today tonight tomorrow yesterday morning afternoon evening night week month year years time times hour
hours minute minutes second seconds moment now soon later ago last next first new old young big small little
long short high low early late right left top bottom front back side way part place world life job school
class exam test game match team money bill bills rent news movie film show song music book story picture photo
face eyes eye mouth hand hands head heart body hair skin voice word words name
one two three four five six seven eight nine ten hundred thousand million billion
again finally suddenly totally completely just very too also ever yet still though although because while
make sure thing kind sort bit little lot real true false sure whole half full empty
open shut hard easy fast slow hot cold warm cool wet dry clean loud quiet
my your our their its best
able about above accept across act action add address admit adult advice afford age agree ahead aim air airport
allow alone along alright amount animal answer anymore apartment appear apple area arm army art article artist
attention aunt available avoid award aware away bag ball band bank bar base basket bath bathroom battery beach
bean bear beat bed bedroom beer begin beginning believe bell belt bench bet better bike birth bit black blanket
block blood blue board boat book boots border born borrow bottle bowl box brain branch brand bread break breath
bridge bright bring brown budget build building burn busy butter button cable call camera camp campaign cancel
cancelled canceled candle cap captain card care career careful carry case cash castle catch cause ceiling center
centre chair champion championship chance change channel chapter charge cheap check cheek chicken chief child
children chocolate choice choose church circle city clear client climb clock clothes cloud club coach coast coat
code coin collect college color colour comment common company compare complete computer concert condition
contact continue contract control conversation cook cookie copy corner cost couch count country couple course
court cover cow crash cream credit crew cross crowd cup customer cut dance danger data date deal dear decide
decision deep degree deliver department depend describe design desk detail develop device diet difference
different dinner direction dirt discover discuss dish doctor document dollar door double draw dream dress drive
driver drop dust duty ear earth east eat edge education effect effort egg either election electric else
employee end energy engine enjoy enter entire equal error escape especially evening event evidence exact
example exercise expect experience explain eye fact factory fair fall famous far farm fashion father fault
favorite favourite feature fee field fight figure file fill film final find finger finish fire firm fit fix flat
flight floor flower fly focus follow foot football force foreign forest forget form forward free fresh fridge
front fruit fuel fun fund future garden gas gate general gift glass goal god gold golf government grade grand
grass green ground group grow guard guess guest gun gym habit hair hall hang hat head health hear heat heavy
hell help hide hill history hit hold hole holiday honest hope horse hospital host hotel huge human husband ice
idea image imagine important improve include income increase indeed industry info information inside instead
interest internet interview invite island issue item jacket joke journey judge juice jump key kill kind king
kitchen knee knife knock lady lake land language laptop large laugh law lawyer lay lead learn least leg lesson
letter level library lie light limit line link list listen load local lock lunch machine mail main major manage
manager map market marriage matter meal mean measure meeting member memory mention menu message metal middle
mind minute mirror miss mistake mix model modern moment money monkey moon morning mountain mouse movie museum
nation nature neck neighbor neighbour nervous network nice noise noon normal north nose note notice number nurse
object ocean offer office officer oil order ordinary organize outside owner pack page pain paint pair pan paper
parent park part partner party pass past path patient pattern pause peace pen pencil pick piece pig pink plan
plant plastic plate player pocket poem point police policy pool poor popular position possible post pot pound
power practice prepare present president press pretty price print prison private prize problem process produce
product program project promise proof protect prove public pull purpose push quality quarter queen question quick
quiet race radio rain raise range rate reach ready reason receive recent record red reduce region relationship
remember remove repair repeat reply report request research respect rest result return rice rich ride ring river
road rock role roof round route row rule rush safe salad salary sale salt sand save scene schedule science score
screen sea search season seat secret section sell sense series serious serve service set shape share sharp shirt
shoe shop shopping shoulder shout side sign signal silver simple sing single sink size skill sky smart smoke snow
soap soccer social sock sofa soft soil soldier solution son song sorry sound soup south space speak special speech
speed spend sport spot spring square staff stage stair star state station step stick stone store storm straight
strange street strength stress strike strong student study style subject success sugar suit summer sun supply
support surface surgery sweet swim system table tail talk tall task taste tax taxi teach team tear technology
television tennis term terrible thank theory thin third throw ticket tie tight tiny tip tired title toe toilet tone
tool tooth topic total touch tour towel town toy track trade traffic trail training travel treat tree trip trouble
truck trust truth tube type uncle understand uniform union unit university usual vacation valley value van vet
video view village visit voice vote wage wall wallet war wash waste wave weapon wear weather wedding weekend weight
west wheel white wide wild win wind window winter wire wish woman women wonder wood wool worker worry worth wrap
yard yellow zone anything everything nothing something ok already anyway else instead ago also although
guess suppose mean matter wonder ask answer agree seem try need expect remember forget hope wish decide
follow finish arrive return leave stay change happen appear become bring carry hold keep send spend
`;

export const COMMON_WORDS: ReadonlySet<string> = new Set(TEXT.split(/\s+/).filter((w) => w.length > 0));
