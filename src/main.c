/* cairnd: process start, configuration, signals. Placeholder until the server module lands. */
#include <stdio.h>

int main(void) {
    printf("cairnd\n");
    return 0;
}
