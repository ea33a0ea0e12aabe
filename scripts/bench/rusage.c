/* rusage: run a command and report its wall time, CPU time and peak RSS.
 *
 *   rusage CMD [ARG]...
 *
 * Writes "rusage WALL_S CPU_S MAXRSS_KIB" as the last line on stderr and
 * exits with the command's status (128+N if killed by signal N).
 *
 * Why not wait4() from python3 directly: on Linux, exec() folds the peak RSS
 * of the process image it replaces into the process's ru_maxrss, so every
 * child of a 14 MiB python3 reports at least 14 MiB. Forked from this small
 * program instead, a child starts from a few hundred KiB.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    int status;
    pid_t pid;

    if (argc < 2) {
        fputs("usage: rusage CMD [ARG]...\n", stderr);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("rusage: fork");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rusage: wait4");
        return 125;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "rusage %.6f %.6f %ld\n",
            (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
            (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
            ru.ru_maxrss);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
