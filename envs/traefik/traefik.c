/*
 * Stand-in for the traefik binary of the traefik:v1.7 image: one static executable that
 * answers HTTP requests on port 8080 with a fixed page, and stops on SIGTERM/SIGINT.
 * The image holds nothing else: no shell, no libraries.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void stop(int signum) {
    (void)signum;
    _exit(0);
}

int main(int argc, char **argv) {
    static const char reply[] =
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
        "traefik v1.7 stand-in (confkb)\n";
    int port = argc > 1 && strcmp(argv[1], "--version") == 0 ? -1 : 8080;
    if (port < 0) {
        puts("Version: v1.7 (confkb stand-in)");
        return 0;
    }
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof address) < 0 ||
        listen(server, 16) < 0) {
        perror("traefik stand-in: listen on :8080");
        return 1;
    }
    printf("traefik stand-in listening on :%d\n", port);
    fflush(stdout);
    for (;;) {
        int client = accept(server, NULL, NULL);
        if (client < 0)
            continue;
        char request[1024];
        (void)read(client, request, sizeof request);
        (void)write(client, reply, sizeof reply - 1);
        close(client);
    }
}
