/* The flattened triangle and the pair-loop driver visit every pair once. */
#include "check.h"
#include "cosine/cosine.h"
#include "measure/machine.h"
#include "measure/team.h"
#include "kit/triangle.h"

#include <stdlib.h>
#include <string.h>

static void test_mapping(void)
{
    for (size_t n = 1; n <= 300; n++) {
        size_t k = 0, bad = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = i; j < n; j++, k++) {
                size_t ii, jj;
                tri_index_to_pair(n, k, &ii, &jj);
                bad += ii != i || jj != j;
                bad += tri_row_start(n, i) + (j - i) != k;
            }
        CHECK(k == tri_count(n), "n=%zu count", n);
        CHECK(bad == 0, "n=%zu: %zu mismatches", n, bad);
    }
    /* Far beyond the forum's 580k samples the float estimate still lands. */
    size_t n = 4000000, i, j;
    tri_index_to_pair(n, tri_count(n) - 1, &i, &j);
    CHECK(i == n - 1 && j == n - 1, "last pair of n=4e6: %zu %zu", i, j);
    tri_index_to_pair(n, tri_row_start(n, 1234567) + 5, &i, &j);
    CHECK(i == 1234567 && j == 1234572, "pair in n=4e6: %zu %zu", i, j);
}

static void test_partition(void)
{
    for (size_t total = 0; total < 50; total++)
        for (int parts = 1; parts <= 7; parts++) {
            size_t expect = 0;
            for (int part = 0; part < parts; part++) {
                size_t b, e;
                tri_partition(total, parts, part, &b, &e);
                CHECK(b == expect && e >= b, "total %zu parts %d part %d", total, parts, part);
                CHECK(e - b <= total / (size_t)parts + 1, "share too large");
                expect = e;
            }
            CHECK(expect == total, "partition of %zu into %d ends at %zu", total, parts, expect);
        }
}

struct visit_ctx {
    size_t n;
    int *visits;
};

static void count_visits(const void *vctx, size_t i, size_t j0, size_t j1, float *out_row)
{
    const struct visit_ctx *c = vctx;
    (void)out_row;
    for (size_t j = j0; j < j1; j++) {
#pragma omp atomic
        c->visits[i * c->n + j]++;
    }
}

static void test_driver(const struct machine *m)
{
    static const size_t sizes[] = {1, 2, 3, 7, 64, 65, 131};
    static const size_t tiles[] = {1, 3, 8, 64};
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (int threads = 1; threads <= 3; threads++) {
        struct sl_team *team;
        if (team_create(&team, m, &pin, threads) != 0) {
            CHECK(0, "team of %d", threads);
            continue;
        }
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
            for (size_t ti = 0; ti < sizeof tiles / sizeof tiles[0]; ti++)
                for (int s = 0; s < SL_SCHED_COUNT; s++) {
                    size_t n = sizes[si];
                    struct cosine_problem p = {.n = n, .out = calloc(n * n, sizeof(float)),
                                               .pair_end = tri_count(n)};
                    struct visit_ctx c = {n, calloc(n * n, sizeof(int))};
                    struct sl_exec ex = {.threads = threads, .schedule = (enum sl_schedule)s, .team = team};
                    team_reset(team);
                    cosine_run_pairs(&p, &ex, count_visits, &c, tiles[ti]);
                    size_t wrong = 0;
                    for (size_t i = 0; i < n; i++)
                        for (size_t j = 0; j < n; j++)
                            wrong += c.visits[i * n + j] != (j >= i);
                    CHECK(wrong == 0, "n=%zu tile=%zu %s t=%d: %zu pairs visited wrongly", n,
                          tiles[ti], sl_schedule_name((enum sl_schedule)s), threads, wrong);
                    for (int w = 0; w < threads; w++)
                        CHECK(team->workers[w].busy_s >= 0, "worker %d reported no busy time", w);
                    free(p.out);
                    free(c.visits);
                }
        team_destroy(team);
    }
}

/* The MPI split: R ranks, each its equal share of the flattened triangle,
 * visit every pair exactly once between them, under every schedule. */
static void test_rank_shares(const struct machine *m)
{
    static const size_t sizes[] = {1, 2, 7, 65, 131};
    static const int rank_counts[] = {2, 3, 5, 64};
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    struct sl_team *team;
    if (team_create(&team, m, &pin, 2) != 0) {
        CHECK(0, "team of 2");
        return;
    }
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (size_t ri = 0; ri < sizeof rank_counts / sizeof rank_counts[0]; ri++)
            for (int s = 0; s < SL_SCHED_COUNT; s++) {
                size_t n = sizes[si];
                int ranks = rank_counts[ri];
                struct visit_ctx c = {n, calloc(n * n, sizeof(int))};
                float *out = calloc(n * n, sizeof(float));
                for (int r = 0; r < ranks; r++) {
                    struct cosine_problem p = {.n = n, .out = out};
                    tri_partition(tri_count(n), ranks, r, &p.pair_begin, &p.pair_end);
                    struct sl_exec ex = {.threads = 2, .schedule = (enum sl_schedule)s,
                                         .team = team};
                    team_reset(team);
                    cosine_run_pairs(&p, &ex, count_visits, &c, 1);
                }
                size_t wrong = 0;
                for (size_t i = 0; i < n; i++)
                    for (size_t j = 0; j < n; j++)
                        wrong += c.visits[i * n + j] != (j >= i);
                CHECK(wrong == 0, "n=%zu ranks=%d %s: %zu pairs visited wrongly", n, ranks,
                      sl_schedule_name((enum sl_schedule)s), wrong);
                free(out);
                free(c.visits);
            }
    team_destroy(team);
}

int main(void)
{
    struct machine m;
    if (machine_load(&m) != 0)
        return 1;
    test_mapping();
    test_partition();
    test_driver(&m);
    test_rank_shares(&m);
    machine_free(&m);
    return check_report("test_triangle");
}
