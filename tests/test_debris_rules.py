"""Every built-in rule, with one line it must remove and one it must keep."""

import pytest

from cleantext.stages.rules import _Matcher, builtin_rules

EXAMPLES = {
    "template-error:apache-ssi": ("[an error occurred while processing this directive]", "An error occurred in the directive's wording."),
    "template-error:php-error": ("Notice: Undefined variable: sidebar in /var/www/html/index.php on line 31", "Notice: the office is closed on Monday."),
    "template-error:php-source-leak": ("<?php echo $title; ?>", "The PHP conference opens on Monday."),
    "template-error:aspnet-error": ("Server Error in '/' Application.", "The server in the application room failed."),
    "template-error:iis-error": ("HTTP Error 404.0 - Not Found", "Error rates fell by 404 cases last year."),
    "template-error:unrendered-template-tag": ("By {{ article.author }}", "By the river, the author sat down."),
    "template-error:wordpress-shortcode": ('[caption id="attachment_12" align="alignleft"]A photo[/caption]', "A caption under the photo."),
    "template-error:javascript-value": ("[object Object]", "The object was found in the river."),
    "template-error:database-connection-error": ("Error establishing a database connection", "The database connection was restored by noon."),
    "template-error:javascript-required": ("Please enable JavaScript to view the comments powered by Disqus.", "JavaScript was created in ten days."),
    "template-error:loading-placeholder": ("Loading...", "Loading the ferry took an hour."),
    "template-error:not-found": ("404 Page Not Found", "The page was found in a library."),
    "navigation:related-heading": ("More from Sportsnet", "More people came than expected."),
    "navigation:read-more": ("Continue reading »", "Continue reading the report, she said."),
    "navigation:share-bar": ("Click to share on Facebook (Opens in new window)", "Share prices fell on Monday."),
    "navigation:social-count": ("12 comments", "12 comments were sent to the council."),
    "navigation:comment-chrome": ("thelastchargersfan says:", "He says the plan is fine."),
    "navigation:comment-date": ("November 19, 2019 at 6:34 am", "On November 19, 2019 at dawn, it rained."),
    "navigation:skip-link": ("Skip to main content", "Skip the main course if you like."),
    "navigation:breadcrumb": ("Home › News › World", "Home is where the news is."),
    "navigation:pagination": ("« Previous 1 2 3 Next »", "The next three pages explain it."),
    "navigation:copyright": ("© 2019 The New York Times Company", "Copyright law was reformed in 2019."),
    "navigation:legal-links": ("Privacy Policy | Terms of Use | Contact Us", "Contact us if the privacy policy is unclear to you."),
    "navigation:cookie-notice": ("This site uses cookies. By continuing to browse you agree to our use of cookies.", "She baked cookies."),
    "navigation:newsletter-prompt": ("Sign up for our daily newsletter to get the latest news.", "The newsletter reported a rise in sales."),
    "navigation:advertisement": ("Advertisement", "The advertisement campaign cost a million."),
    "navigation:follow-us": ("Follow us on Twitter and Instagram", "Follow the river until the bridge."),
    "navigation:media-chrome": ("Photo: Doug Mills/The New York Times", "The photo was taken in 1994."),
    "navigation:byline-date": ("Updated 0339 GMT (1139 HKT) November 19, 2019", "Posted by Mira Holt on 12 May 2025"),
    "navigation:tags-line": ("Tags: Alibaba, Hong Kong", "Tags were attached to every bag."),
    "navigation:search-box": ("Search", "Search teams worked through the night."),
    "navigation:language-switch": ("English", "English is spoken here."),
    "navigation:weather-widget": ("55°F Clear", "It was 55 degrees and clear."),
    "navigation:consent-button": ("Got it!", "Got it from the market on Sunday."),
    "navigation:story-link": ("Read more: Alibaba poised to launch record-breaking Hong Kong listing", "Read more about it: the report has the details."),
    "navigation:image-credit": ("Protesters wore masks to protect their identities (Image: GETTY )", "The image was taken in 1994 by a tourist."),
}


@pytest.fixture(scope="module")
def rules():
    return {rule.qualified_name: rule for rule in builtin_rules()}


def test_every_builtin_rule_has_examples(rules):
    assert set(rules) == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_rule_removes_its_positive_example(rules, name):
    assert _Matcher([rules[name]]).match(EXAMPLES[name][0]) is not None


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_no_rule_removes_the_negative_example(rules, name):
    found = _Matcher(list(rules.values())).match(EXAMPLES[name][1])
    assert found is None, found


@pytest.mark.parametrize("line", [
    "Copyright © 2025 Example Corp. 無断転載を禁じます。",
    "無断転載禁止",
    "著作権所有 2024 東京新聞",
])
def test_japanese_copyright_notices_match(rules, line):
    assert _Matcher([rules["navigation:copyright"]]).match(line) is not None


def test_japanese_prose_about_copyright_is_not_a_notice(rules):
    # "Registering a copyright is not compulsory, but it helps prove ownership."
    prose = "著作権の登録は義務づけられていませんが、所有権を立証するために著作権を登録する人もいます。"
    assert _Matcher(list(rules.values())).match(prose) is None
