"""BA: bundle adjustment's reprojection error (ADBench / GradBench ``evals/ba``).

A camera has 11 parameters: Rodrigues rotation (3), centre (3), focal length (1),
principal point (2), radial distortion (2). An observation ``j`` of point
``X[obs[j, 1]]`` by camera ``cams[obs[j, 0]]`` with weight ``w[j]`` and feature
``feats[j]`` has the residual

    Xcam = rotate(cam[0:3], X - cam[3:6]);  p = Xcam[0:2] / Xcam[2]
    p = p (1 + k1 |p|^2 + k2 |p|^4);  r = w (p f + cam[7:9] - feat)

and a weight residual ``1 - w^2``. The Jacobian is block sparse: each observation's
two rows depend on its camera (11), point (3) and weight (1) only.

``reproj_error`` is the per-observation function (``tl.jacrev`` of it gives one block,
2 x 15); ``reproj_batch`` is the same residual for all observations at once (arrays of
the observations' cameras and points), whose Jacobian blocks come from two reverse
sweeps (the rows are independent): the batched form. Instances have the sizes of
ADBench's ba1-ba3 (cameras, points, observations), with data from a fixed seed.
"""
from __future__ import annotations

import numpy as np

SIZES = {"ba1": (49, 7776, 31843), "ba2": (21, 11315, 36455), "ba3": (161, 48126, 182072)}


def make_input(n, m, p, seed=0):
    rng = np.random.default_rng(seed + n)
    cams = np.empty((n, 11))
    cams[:, 0:3] = 0.1 * rng.standard_normal((n, 3))
    cams[:, 3:6] = rng.standard_normal((n, 3))
    cams[:, 6] = 1.0 + 0.1 * rng.random(n)
    cams[:, 7:9] = 0.1 * rng.standard_normal((n, 2))
    cams[:, 9:11] = 0.01 * rng.standard_normal((n, 2))
    X = rng.standard_normal((m, 3)) + np.array([0.0, 0.0, 8.0])
    obs = np.stack([np.arange(p) % n, np.arange(p) % m], axis=1)
    rng.shuffle(obs[:, 1])
    return dict(cams=cams, X=X, w=1.0 + 0.1 * rng.random(p),
                feats=0.1 * rng.standard_normal((p, 2)), obs=obs)


def rodrigues_rotate(rot, X):
    sqtheta = np.sum(rot * rot)
    if sqtheta != 0.0:
        theta = np.sqrt(sqtheta)
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        w = rot / theta
        tmp = np.dot(w, X) * (1.0 - costheta)
        return X * costheta + np.cross(w, X) * sintheta + w * tmp
    return X + np.cross(rot, X)


def radial_distort(rad, proj):
    rsq = np.sum(proj * proj)
    return proj * (1.0 + rad[0] * rsq + rad[1] * rsq * rsq)


def project(cam, X):
    Xcam = rodrigues_rotate(cam[0:3], X - cam[3:6])
    distorted = radial_distort(cam[9:11], Xcam[0:2] / Xcam[2])
    return distorted * cam[6] + cam[7:9]


def reproj_error(cam, X, w, feat):
    return (project(cam, X) - feat) * w


def w_error(w):
    return 1.0 - w * w


def reproj_batch(cams, X, w, feats):
    """All residuals at once: ``cams`` (p, 11) and ``X`` (p, 3) are the observations'
    cameras and points (no rotation of angle 0 in these data)."""
    rot = cams[:, 0:3]
    Xc = X - cams[:, 3:6]
    theta = np.sqrt(np.sum(rot * rot, axis=1))[:, None]
    costheta = np.cos(theta)
    u = rot / theta
    tmp = np.sum(u * Xc, axis=1)[:, None] * (1.0 - costheta)
    Xcam = Xc * costheta + np.cross(u, Xc) * np.sin(theta) + u * tmp
    proj = Xcam[:, 0:2] / Xcam[:, 2:3]
    rsq = np.sum(proj * proj, axis=1)[:, None]
    distorted = proj * (1.0 + cams[:, 9:10] * rsq + cams[:, 10:11] * rsq * rsq)
    return (distorted * cams[:, 6:7] + cams[:, 7:9] - feats) * w[:, None]


def objective(cams, X, w, feats, obs):
    """Every residual: (reprojection errors (p, 2), weight errors (p,))."""
    return reproj_batch(cams[obs[:, 0]], X[obs[:, 1]], w, feats), w_error(w)
