/* gmm — Gaussian-mixture E-step: log-probabilities, then responsibilities
 * (SPEC 1.3).
 *
 * m components in d dimensions with weights w_k, means mu_k and full
 * covariances Sigma_k = L_k L_k^T (Cholesky factor L_k); N points x_i.
 * Reference loop, for every point x:
 *
 *     for k in 0 .. m-1:
 *         z = L_k^{-1} (x - mu_k)                      (forward substitution)
 *         lp[k] = log w_k - 0.5 (d log 2pi + log det Sigma_k + ||z||^2)
 *     loglik[x] = logsumexp_k lp[k] = max_k lp[k] + log sum_k exp(lp[k] - max)
 *     resp[x][k] = exp(lp[k] - loglik[x])
 *     total += loglik[x]
 *
 * The per-component constants (L_k, 1/diag(L_k), and lognorm_k =
 * log w_k - 0.5 (d log 2pi + log det Sigma_k)) are computed once when the
 * problem is created, outside the timed region: they cost O(m d^3), nothing
 * next to the O(N m d^2) of an E-step, and a real EM loop computes them once
 * per M-step.
 *
 * Output: resp (N x m, row-major, double), loglik (N) and total_loglik.
 * Figure of merit: points per second.
 */
#ifndef SL_GMM_H
#define SL_GMM_H

#include "kit/sl.h"

#include <stddef.h>

/* Limits of the variants' fixed per-point scratch (no VLAs). */
#define GMM_MAX_COMPONENTS 256
#define GMM_MAX_DIMS 64
/* Points per unit of work of the parallel loops (a multiple of every vector
 * width, so a SIMD vector never straddles two threads' blocks). */
#define GMM_BLOCK 512

struct gmm_problem {
    size_t m, d, n;
    size_t ld;          /* row stride of x_soa: n rounded up to 8 */
    double *weights;    /* m */
    double *means;      /* m x d */
    double *chol;       /* m x d x d, lower triangle of L_k, row-major */
    double *rdiag;      /* m x d: 1 / L_k[j][j] */
    double *lognorm;    /* m: log w_k - 0.5 (d log 2pi + log det Sigma_k) */
    double *x_aos;      /* point i is x_aos[i*d .. i*d+d) */
    double *x_soa;      /* coordinate j of point i is x_soa[j*ld + i]; padding is 0 */
    double *resp;       /* n x m output */
    double *loglik;     /* n output */
    double total_loglik;
    double *lp_scratch; /* m x n: the model-parallel variants' log-probabilities */
    char size_name[48];
    char source[160];
};

/* Sets the mixture (weights normalised here; covariances m x d x d, SPD)
 * and its per-component constants.  0, or -1 with sl_error(). */
int gmm_set_mixture(struct gmm_problem *p, const double *weights, const double *means,
                    const double *covariances);

/* Straightforward reference for point i with libm exp/log and forward
 * substitution by division: fills resp_out[m], returns the point's
 * log-likelihood.  lp is scratch of m doubles. */
double gmm_reference_point(const struct gmm_problem *p, size_t i, double *lp, double *resp_out);

void gmm_work_data_parallel(const void *problem, struct sl_work *w);
void gmm_work_model_parallel(const void *problem, struct sl_work *w);

extern const struct sl_variant gmm_variants[];
extern const struct sl_workload gmm_workload;

#endif
