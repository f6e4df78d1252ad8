/*
 * kco_proto_protoc.c - the file-system side of the protobuf schema loader:
 * finding .proto and descriptor set files below a directory, reading a file,
 * and running protoc to compile .proto files into a FileDescriptorSet.
 *
 * Owns: the protoc child process (waited for before returning), its pipes
 * and its temporary output file (removed before returning). Runs on the
 * thread that loads the schemas. Must never: go through a shell (the argument
 * vector goes to execvp as it is), leave a file or a child behind, or do
 * anything but async-signal-safe calls between fork and exec.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/kco_mem.h"
#include "record/kco_proto_internal.h"

#define KCO_PROTO_MAX_DEPTH 32                       /* directory levels (symlink loops) */
#define KCO_PROTO_MAX_FILE ((size_t)256 * 1024 * 1024) /* a descriptor set larger than this is refused */
#define KCO_PROTO_STDERR_KEEP 4096                   /* bytes of protoc's output kept */
#define KCO_PROTO_STDERR_SHOW 300                    /* bytes of it quoted in the error */

void kco_proto_list_add(kco_proto_list_t *l, char *s) {
        if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 16;
                l->v = kco_realloc(l->v, l->cap * sizeof(*l->v));
        }
        l->v[l->n++] = s;
}

void kco_proto_list_free(kco_proto_list_t *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        l->v = NULL;
        l->n = l->cap = 0;
}

static int kco_proto_cmp_str(const void *a, const void *b) {
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int kco_proto_has_suffix(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);
        return n > m && memcmp(s + n - m, suffix, m) == 0;
}

static int kco_proto_scan_rec(const char *dir, const char *rel, int depth, kco_proto_list_t *protos,
                              kco_proto_list_t *sets, kco_err_t *err) {
        if (depth > KCO_PROTO_MAX_DEPTH)
                return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema directory %s: more than %d levels below it",
                                   dir, KCO_PROTO_MAX_DEPTH);
        char *path = rel[0] ? kco_asprintf("%s/%s", dir, rel) : kco_strdup(dir);
        DIR *d = opendir(path);
        if (!d) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema directory %s: %s", path, strerror(errno));
                free(path);
                return -1;
        }
        int rc = 0;
        struct dirent *e;
        while (rc == 0 && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                        continue;
                char *sub = rel[0] ? kco_asprintf("%s/%s", rel, e->d_name) : kco_strdup(e->d_name);
                char *full = kco_asprintf("%s/%s", path, e->d_name);
                struct stat st;
                if (stat(full, &st) != 0) {
                        /* a dangling symlink: nothing to read */
                        free(sub);
                } else if (S_ISDIR(st.st_mode)) {
                        rc = kco_proto_scan_rec(dir, sub, depth + 1, protos, sets, err);
                        free(sub);
                } else if (S_ISREG(st.st_mode) && kco_proto_has_suffix(e->d_name, ".proto")) {
                        kco_proto_list_add(protos, sub);
                } else if (S_ISREG(st.st_mode) &&
                           (kco_proto_has_suffix(e->d_name, ".desc") || kco_proto_has_suffix(e->d_name, ".pb") ||
                            kco_proto_has_suffix(e->d_name, ".protoset"))) {
                        kco_proto_list_add(sets, sub);
                } else {
                        free(sub);
                }
                free(full);
        }
        closedir(d);
        free(path);
        return rc;
}

int kco_proto_scan_dir(const char *dir, kco_proto_list_t *protos, kco_proto_list_t *sets, kco_err_t *err) {
        if (kco_proto_scan_rec(dir, "", 0, protos, sets, err) != 0)
                return -1;
        if (protos->n)
                qsort(protos->v, protos->n, sizeof(*protos->v), kco_proto_cmp_str);
        if (sets->n)
                qsort(sets->v, sets->n, sizeof(*sets->v), kco_proto_cmp_str);
        return 0;
}

int kco_proto_read_file(const char *path, kco_buf_t *out, kco_err_t *err) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: %s", path, strerror(errno));
        size_t start = out->len;
        for (;;) {
                if (out->len - start > KCO_PROTO_MAX_FILE) {
                        close(fd);
                        return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: larger than %zu MiB", path,
                                           KCO_PROTO_MAX_FILE >> 20);
                }
                kco_buf_reserve(out, 65536);
                ssize_t n = read(fd, out->data + out->len, out->cap - out->len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = errno;
                        close(fd);
                        return kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: %s", path, strerror(e));
                }
                if (n == 0)
                        break;
                out->len += (size_t)n;
        }
        close(fd);
        return 0;
}

/* The temporary file protoc writes: $TMPDIR (made absolute: protoc runs in another directory) or /tmp. */
static char *kco_proto_tmp_path(kco_err_t *err) {
        const char *t = getenv("TMPDIR");
        if (!t || !t[0])
                t = "/tmp";
        char *tmpl;
        if (t[0] == '/') {
                tmpl = kco_asprintf("%s/kco-proto-XXXXXX", t);
        } else {
                char cwd[PATH_MAX];
                if (!getcwd(cwd, sizeof(cwd))) {
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema: cannot resolve TMPDIR %s: %s", t,
                                    strerror(errno));
                        return NULL;
                }
                tmpl = kco_asprintf("%s/%s/kco-proto-XXXXXX", cwd, t);
        }
        int fd = mkstemp(tmpl);
        if (fd < 0) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema: cannot create a temporary file (%s): %s", tmpl,
                            strerror(errno));
                free(tmpl);
                return NULL;
        }
        close(fd);
        return tmpl;
}

/* protoc's output as one line: lines joined with "; ", at most KCO_PROTO_STDERR_SHOW bytes (when cut: trailing
 * non-ASCII bytes dropped and "..." appended). */
static void kco_proto_trim_output(const kco_buf_t *in, char *out, size_t cap) {
        size_t o = 0, i = 0, n = in->len;
        size_t limit = cap - 4 < KCO_PROTO_STDERR_SHOW ? cap - 4 : KCO_PROTO_STDERR_SHOW;
        int cut = 0;
        while (i < n && (in->data[i] == '\n' || in->data[i] == '\r' || in->data[i] == ' '))
                i++;
        while (n > i && (in->data[n - 1] == '\n' || in->data[n - 1] == '\r' || in->data[n - 1] == ' '))
                n--;
        for (; i < n; i++) {
                char c = in->data[i];
                const char *rep = NULL;
                if (c == '\r')
                        continue;
                if (c == '\n')
                        rep = "; ";
                size_t need = rep ? 2 : 1;
                if (o + need > limit) {
                        cut = 1;
                        break;
                }
                if (rep) {
                        memcpy(out + o, rep, 2);
                } else {
                        out[o] = (c == '\t' || (unsigned char)c >= 0x20) ? c : '?';
                }
                o += need;
        }
        if (cut) {
                /* no partial UTF-8 sequence before the "..." */
                while (o > 0 && ((unsigned char)out[o - 1] & 0x80))
                        o--;
                memcpy(out + o, "...", 3);
                o += 3;
        }
        out[o] = '\0';
}

/* What the child reports through the close-on-exec pipe when it cannot exec protoc. */
typedef struct kco_proto_child_fail_s {
        int stage; /* 1 chdir, 2 exec */
        int err;
} kco_proto_child_fail_t;

int kco_proto_run_protoc(const char *dir, const kco_proto_list_t *files, const char *origin, kco_buf_t *out,
                         kco_err_t *err) {
        for (size_t i = 0; i < files->n; i++)
                if (files->v[i][0] == '-')
                        return kco_err_set(err, KCO_ERR_CONFIG, 0,
                                           "protobuf schema %s: file name %s starts with '-' (protoc would take it for "
                                           "an option)",
                                           origin, files->v[i]);
        char *tmp = kco_proto_tmp_path(err);
        if (!tmp)
                return -1;
        char *set_out = kco_asprintf("--descriptor_set_out=%s", tmp);
        char **argv = kco_calloc(files->n + 5, sizeof(*argv));
        size_t argc = 0;
        argv[argc++] = (char *)"protoc";
        argv[argc++] = (char *)"--include_imports";
        argv[argc++] = set_out;
        argv[argc++] = (char *)"-I.";
        for (size_t i = 0; i < files->n; i++)
                argv[argc++] = files->v[i];
        argv[argc] = NULL;

        int rc = -1;
        int outp[2] = {-1, -1}, failp[2] = {-1, -1};
        kco_buf_t output;
        kco_buf_init(&output);
        if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(failp, O_CLOEXEC) != 0) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: cannot run protoc: pipe: %s", origin,
                            strerror(errno));
                goto done;
        }
        pid_t pid = fork();
        if (pid < 0) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: cannot run protoc: fork: %s", origin,
                            strerror(errno));
                goto done;
        }
        if (pid == 0) {
                /* child: async-signal-safe calls only */
                kco_proto_child_fail_t f = {0, 0};
                int devnull = open("/dev/null", O_RDONLY);
                if (devnull >= 0)
                        dup2(devnull, 0);
                dup2(outp[1], 1);
                dup2(outp[1], 2);
                if (chdir(dir) != 0) {
                        f.stage = 1;
                        f.err = errno;
                } else {
                        execvp(argv[0], argv);
                        f.stage = 2;
                        f.err = errno;
                }
                ssize_t w = write(failp[1], &f, sizeof(f));
                (void)w;
                _exit(127);
        }
        close(outp[1]);
        outp[1] = -1;
        close(failp[1]);
        failp[1] = -1;
        for (;;) {
                char chunk[4096];
                ssize_t n = read(outp[0], chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (output.len < KCO_PROTO_STDERR_KEEP)
                        kco_buf_append(&output, chunk, (size_t)n);
        }
        kco_proto_child_fail_t f = {0, 0};
        ssize_t fn;
        do {
                fn = read(failp[0], &f, sizeof(f));
        } while (fn < 0 && errno == EINTR);
        int status = 0;
        pid_t w;
        do {
                w = waitpid(pid, &status, 0);
        } while (w < 0 && errno == EINTR);

        if (fn == (ssize_t)sizeof(f) && f.stage == 2 && (f.err == ENOENT || f.err == ENOTDIR)) {
                kco_err_set(err, KCO_ERR_CONFIG, 0,
                            "protobuf schema %s: protoc not found: install protobuf-compiler, or give a descriptor set "
                            "file (protoc --descriptor_set_out=... --include_imports)",
                            origin);
        } else if (fn == (ssize_t)sizeof(f)) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: cannot run protoc: %s: %s", origin,
                            f.stage == 1 ? "chdir" : "exec", strerror(f.err));
        } else if (w < 0) {
                kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: protoc: waitpid: %s", origin,
                            strerror(errno));
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                char msg[KCO_PROTO_STDERR_SHOW + 8];
                kco_proto_trim_output(&output, msg, sizeof(msg));
                if (WIFEXITED(status))
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: protoc failed (exit %d): %s", origin,
                                    WEXITSTATUS(status), msg[0] ? msg : "no message");
                else
                        kco_err_set(err, KCO_ERR_CONFIG, 0, "protobuf schema %s: protoc killed by signal %d: %s",
                                    origin, WTERMSIG(status), msg[0] ? msg : "no message");
        } else {
                rc = kco_proto_read_file(tmp, out, err);
        }
done:
        if (outp[0] >= 0)
                close(outp[0]);
        if (outp[1] >= 0)
                close(outp[1]);
        if (failp[0] >= 0)
                close(failp[0]);
        if (failp[1] >= 0)
                close(failp[1]);
        unlink(tmp);
        kco_buf_free(&output);
        free(argv);
        free(set_out);
        free(tmp);
        return rc;
}
