// OpenBLAS's CBLAS interface (Debian/Ubuntu: libopenblas-dev, installed by scripts/install-deps.sh).
#include <cblas.h>

// Declared by OpenBLAS's own cblas.h; repeated here for distributions whose cblas.h is the generic one.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

// LAPACK (shipped inside OpenBLAS): Cholesky factorisation, and the inverse from it; the
// eigenvalues (and optionally eigenvectors) of a symmetric matrix.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info);
