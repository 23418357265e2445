#include <xmmintrin.h>
__attribute__((constructor)) static void ftz_init(void) { _mm_setcsr(_mm_getcsr() | 0x8040); }
