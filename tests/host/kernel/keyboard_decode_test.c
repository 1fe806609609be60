/* kernel/keyboard.c: scancode set 1 to characters, US layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/keyboard.h"

/* Feeds scancodes and collects the characters they produce. */
static void feed(struct keyboard_state *s, const uint8_t *codes, size_t n, char *out)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = keyboard_decode(s, codes[i]);
        if (c != 0)
            out[len++] = c;
    }
    out[len] = '\0';
}

#define RELEASE(code) ((uint8_t)((code) | 0x80))

static void letters_digits_and_enter(void **state)
{
    (void)state;
    struct keyboard_state s = {0};
    const uint8_t codes[] = {0x23, RELEASE(0x23), 0x17, RELEASE(0x17), 0x02, 0x0b, 0x1c};
    char out[16];
    feed(&s, codes, sizeof codes, out);
    assert_string_equal(out, "hi10\n");
}

static void shift_gives_capitals_and_symbols_until_released(void **state)
{
    (void)state;
    struct keyboard_state s = {0};
    /* shift down, h, 1, shift up, h, right shift down, / */
    const uint8_t codes[] = {0x2a, 0x23, 0x02, RELEASE(0x2a), 0x23, 0x36, 0x35, RELEASE(0x36)};
    char out[16];
    feed(&s, codes, sizeof codes, out);
    assert_string_equal(out, "H!h?");
}

static void caps_lock_toggles_letters_only_and_shift_inverts_it(void **state)
{
    (void)state;
    struct keyboard_state s = {0};
    const uint8_t codes[] = {0x3a, RELEASE(0x3a), 0x1e, 0x02,          0x2a,
                             0x1e, RELEASE(0x2a), 0x3a, RELEASE(0x3a), 0x1e};
    char out[16];
    feed(&s, codes, sizeof codes, out);
    assert_string_equal(out, "A1aa");
}

static void ctrl_letter_gives_control_code(void **state)
{
    (void)state;
    struct keyboard_state s = {0};
    assert_int_equal(keyboard_decode(&s, 0x1d), 0);
    assert_int_equal(keyboard_decode(&s, 0x2e), 3); /* ctrl-c */
    assert_int_equal(keyboard_decode(&s, RELEASE(0x1d)), 0);
    assert_int_equal(keyboard_decode(&s, 0x2e), 'c');
}

static void extended_keys_and_releases_produce_nothing(void **state)
{
    (void)state;
    struct keyboard_state s = {0};
    /* cursor down (e0 50), release (e0 d0), F1 (3b), fake shift (e0 2a) */
    const uint8_t codes[] = {0xe0, 0x50, 0xe0, 0xd0, 0x3b, 0xe0, 0x2a, 0x1e};
    char out[16];
    feed(&s, codes, sizeof codes, out);
    assert_string_equal(out, "a"); /* the fake shift did not stick */
}

static void cursor_up_gives_ctrl_p_and_keypad_8_nothing(void **state)
{
    (void)state;
    struct keyboard_state s = {0};
    const uint8_t codes[] = {0xe0, 0x48, 0xe0, 0xc8, 0x48, 0xc8};
    char out[16];
    feed(&s, codes, sizeof codes, out);
    assert_string_equal(out, "\x10");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(letters_digits_and_enter),
        cmocka_unit_test(shift_gives_capitals_and_symbols_until_released),
        cmocka_unit_test(caps_lock_toggles_letters_only_and_shift_inverts_it),
        cmocka_unit_test(ctrl_letter_gives_control_code),
        cmocka_unit_test(extended_keys_and_releases_produce_nothing),
        cmocka_unit_test(cursor_up_gives_ctrl_p_and_keypad_8_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
